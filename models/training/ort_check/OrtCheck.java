import ai.onnxruntime.*;
import java.io.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

/** Dev check (not part of the server): runs ONNX graphs in ONNX Runtime (Java) on fixture inputs and compares
 *  with torch's expected outputs; then times batch-1 forwards with 2 intra-op threads.
 *  cases file lines: model|input.f32|d0,d1,d2,d3|outputName|expected.f32   ("TIME|model" lines: time it) */
public class OrtCheck {
    static float[] read(String f) throws IOException {
        byte[] b = Files.readAllBytes(Paths.get(f));
        FloatBuffer fb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] a = new float[fb.remaining()]; fb.get(a); return a;
    }
    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2); so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        Map<String, OrtSession> sessions = new HashMap<>();
        double worst = 0;
        List<String> timed = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[0]))) {
            String[] p = line.split("\\|");
            if (p[0].equals("TIME")) { timed.add(p[1]); continue; }
            OrtSession s = sessions.computeIfAbsent(p[0], k -> { try { return env.createSession(k, so); } catch (OrtException e) { throw new RuntimeException(e); } });
            long[] shape = Arrays.stream(p[2].split(",")).mapToLong(Long::parseLong).toArray();
            float[] in = read(p[1]);
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
                 OrtSession.Result r = s.run(Map.of("image", t))) {
                OnnxTensor o = (OnnxTensor) r.get(p[3]).get();
                FloatBuffer fb = o.getFloatBuffer(); float[] got = new float[fb.remaining()]; fb.get(got);
                float[] exp = read(p[4]);
                double md = 0, scale = 1.0; if (got.length != exp.length) throw new IllegalStateException("length " + got.length + " vs " + exp.length + " " + line);
                for (int i = 0; i < got.length; i++) { md = Math.max(md, Math.abs(got[i] - exp[i])); scale = Math.max(scale, Math.abs(exp[i])); }
                double mr = md / scale;
                worst = Math.max(worst, mr);
                System.out.printf("%-60s %-15s maxabs %.3g  maxabs/max(1,max|e|) %.3g%n", Paths.get(p[1]).getFileName(), p[3], md, mr);
            }
        }
        System.out.printf("WORST maxabs/max(1,max|expected|) %.3g%n", worst);
        Random rnd = new Random(1);
        float[] img = new float[128 * 128]; for (int i = 0; i < img.length; i++) img[i] = rnd.nextFloat();
        double total = 0; StringBuilder js = new StringBuilder("{");
        List<double[]> all = new ArrayList<>();
        for (String m : timed) {
            OrtSession s = sessions.computeIfAbsent(m, k -> { try { return env.createSession(k, so); } catch (OrtException e) { throw new RuntimeException(e); } });
            double[] ts = new double[200];
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(img), new long[]{1, 1, 128, 128})) {
                for (int i = 0; i < 20; i++) s.run(Map.of("image", t)).close();
                for (int i = 0; i < ts.length; i++) { long t0 = System.nanoTime(); s.run(Map.of("image", t)).close(); ts[i] = (System.nanoTime() - t0) / 1e6; }
            }
            all.add(ts.clone());
            Arrays.sort(ts);
            System.out.printf("TIME %-40s p50 %.2f ms p95 %.2f ms%n", Paths.get(m).getFileName(), ts[100], ts[190]);
        }
        double[] sum = new double[200];
        for (double[] ts : all) for (int i = 0; i < 200; i++) sum[i] += ts[i];
        Arrays.sort(sum);
        System.out.printf("TIME all graphs sequential (sum per iteration) p50 %.2f ms p95 %.2f ms%n", sum[100], sum[190]);
    }
}
