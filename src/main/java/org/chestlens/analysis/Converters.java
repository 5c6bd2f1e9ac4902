package org.chestlens.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Column formats of the analysis tables. */
final class Converters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Converters() {
    }

    /** name -> number maps as JSON objects (order kept). */
    @Converter
    static class NumberMap implements AttributeConverter<Map<String, Double>, String> {

        @Override
        public String convertToDatabaseColumn(Map<String, Double> map) {
            try {
                return JSON.writeValueAsString(map == null ? Map.of() : map);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Map<String, Double> convertToEntityAttribute(String json) {
            try {
                return json == null ? new LinkedHashMap<>() : JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Sets of finding codes, space-separated; an empty set is stored as null. */
    @Converter
    static class CodeSet implements AttributeConverter<Set<String>, String> {

        @Override
        public String convertToDatabaseColumn(Set<String> codes) {
            return codes == null || codes.isEmpty() ? null : String.join(" ", new TreeSet<>(codes));
        }

        @Override
        public Set<String> convertToEntityAttribute(String column) {
            return column == null || column.isBlank() ? new TreeSet<>()
                    : Arrays.stream(column.trim().split("\\s+")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static byte[] floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** The vector scaled to unit length (cosine similarity becomes a dot product); zero stays zero. */
    static float[] normalised(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float[] out = v.clone();
        if (sum > 0) {
            float inv = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < out.length; i++) {
                out[i] *= inv;
            }
        }
        return out;
    }
}
