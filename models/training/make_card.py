"""Write models/README.md (the model card) from models/manifest.json, models/metrics.json and training/logs/*.
Every number in the card comes from those files; evaluate.py recomputes metrics.json from the saved models.
Usage: /usr/bin/python3 models/training/make_card.py
"""
import glob, json, os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MODELS, NIH5, FINDINGS, load_json

HERE = os.path.dirname(os.path.abspath(__file__))
LOGS = os.path.join(HERE, "logs")


def f3(c):
    return "n/a" if c is None else f"{c['auc']:.3f} [{c['lo']:.3f}-{c['hi']:.3f}]"


def ok(b):
    return "**met**" if b else "**not met**"


def main():
    man = load_json(os.path.join(MODELS, "manifest.json"))
    M = load_json(os.path.join(MODELS, "metrics.json"))
    timing = load_json(os.path.join(LOGS, "timing.json")) if os.path.exists(os.path.join(LOGS, "timing.json")) else {}
    check = load_json(os.path.join(LOGS, "check_pretrained.json")) if os.path.exists(os.path.join(LOGS, "check_pretrained.json")) else None
    ort = open(os.path.join(LOGS, "ort_check.txt")).read() if os.path.exists(os.path.join(LOGS, "ort_check.txt")) else ""
    hist = {}
    for p in glob.glob(os.path.join(LOGS, "train_*.json")):
        h = load_json(p)
        hist[h.get("member", "vae")] = h
    names = [m["name"] for m in man["members"]]
    T = M["targets"]; E = T["ensemble"]; G = M["gate"]
    gate_cal = man["gate"]["calibration"]
    ort_total = re.search(r"TIME all graphs sequential.*?p50 ([0-9.]+) ms p95 ([0-9.]+) ms", ort)
    ort_lines = [l for l in ort.splitlines() if l.startswith("TIME")]
    worst = re.search(r"WORST maxabs/max\(1,max\|expected\|\) ([0-9.eE+-]+)", ort)
    tb = M.get("torch_bench", {})
    non_x = sum(G[k]["count"] for k in ("ood31", "generated_calib", "generated_holdout"))
    non_x_ref = sum(G[k]["rejected"] for k in ("ood31", "generated_calib", "generated_holdout"))
    L = []
    w = L.append
    w(f"# ChestLens default models: model card ({man['name']} {man['version']})\n")
    w("> **Decision support for education and research, not a medical diagnosis.** These models were trained on "
      "small public datasets of 64-512 px images whose labels were mined from reports or file names; they have not "
      "been validated clinically and must not be used to make or exclude a diagnosis.\n")
    w("All numbers below are on the `val` split (the `train` split was used only for fitting) and are produced by\n"
      "`OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/evaluate.py --data ../shared/data/cxr --ood ../shared/data/ood`\n"
      "(writes `models/metrics.json` and prints these tables); this card is rendered from that file by\n"
      "`/usr/bin/python3 models/training/make_card.py`. 95% confidence intervals are DeLong intervals.\n")
    # ---------------------------------------------------------------- targets
    w("## Targets of issue 3 and what was reached\n")
    w("| target (ensemble, val) | required | reached | |")
    w("|---|---|---|---|")
    pk = E["pneumonia_kermany"]; co = E["covid_19_overall"]; cw = E["covid_19_within_covid_source"]
    vb = E["viral_vs_bacterial_within_pneumonia"]; vbk = E["viral_vs_bacterial_within_kermany_pneumonia"]
    w(f"| Pneumonia AUC on Kermany images | >= 0.98 | {f3(pk)} ({pk['pos']} pos / {pk['neg']} neg) | {ok(pk['auc'] >= 0.98)} |")
    w(f"| COVID-19 AUC overall | >= 0.97 | {f3(co)} ({co['pos']} / {co['neg']}) | {ok(co['auc'] >= 0.97)} |")
    w(f"| COVID-19 vs other pneumonias inside the covid source | report | {f3(cw)} ({cw['pos']} / {cw['neg']}) | reported |")
    w(f"| viral vs bacterial within pneumonia (all sources) | >= 0.85 | {f3(vb)} ({vb['pos']} / {vb['neg']}) | {ok(vb['auc'] >= 0.85)} |")
    w(f"| viral vs bacterial within Kermany pneumonia only | report | {f3(vbk)} ({vbk['pos']} / {vbk['neg']}) | reported |")
    w(f"| mean AUC of Atelectasis, Cardiomegaly, Consolidation, Edema, Effusion on NIH images | >= 0.83 | {E['nih5_mean']:.3f}" + (f" [{E['nih5_mean_ci']['lo']:.3f}-{E['nih5_mean_ci']['hi']:.3f}]" if 'nih5_mean_ci' in E else "") + f" | {ok(E['nih5_mean'] >= 0.83)} |")
    w(f"| non-X-rays refused by the gate (31 OOD images + {non_x - G['ood31']['count']} generated) | all | {non_x_ref} / {non_x} | {ok(non_x_ref == non_x)} |")
    w(f"| val X-rays refused by the gate | <= 2% | {G['val']['rate']:.2%} ({G['val']['rejected']} / {G['val']['count']}); "
      f"two-fold estimate {gate_cal.get('twoFoldValRejectRate', float('nan')):.2%} | {ok(G['val']['rate'] <= 0.02)} |")
    w(f"| all ONNX files together | < 60 MB | {M['onnx_total_mb']:.1f} MB | {ok(M['onnx_total_mb'] < 60)} |")
    if ort_total:
        w(f"| one ensemble forward (3 members + VAE, batch 1, ONNX Runtime 1.21.1 Java, 2 threads) | < 150 ms | "
          f"p50 {ort_total.group(1)} ms, p95 {ort_total.group(2)} ms | {ok(float(ort_total.group(1)) < 150)} |")
    w("")
    # ---------------------------------------------------------------- intended use
    w("## Intended use\n")
    w("- Second opinion for **education and research**: a clinician or student uploads a frontal (PA/AP) chest X-ray and sees "
      "ensemble probabilities for the *reported* findings, class activation maps, an anomaly score (\"more unusual than N% "
      "of normal X-rays\") and similar cases.")
    w("- Not for: diagnosis or triage, lateral views, CT, other body parts, images with "
      "burnt-in annotations, or any population unlike the training sources (see limitations). Findings marked "
      "`reported: false` in the manifest are never shown.\n")
    # ---------------------------------------------------------------- data
    w("## Data and splits\n")
    w("`../shared/data/cxr` (read its README): 14,504 grey images, one label table, patient-level split (hash of the "
      "patient id) into `train` (12,545) and `val` (1,959); a further test split is kept elsewhere.\n")
    w("| source | what | train | val | labels |")
    w("|---|---|---|---|---|")
    w("| kermany | paediatric (1-5 y) normal / bacterial / viral pneumonia, 224x224 | 4598 | 618 | No Finding, pneumonia types; the 13 NIH findings are 0 for its normals, empty otherwise |")
    w("| covid | Cohen et al. COVID-19 collection (mostly figures from papers), adults, varied size | 346 | 68 | pneumonia types, COVID-19 |")
    w("| nih | NIH ChestX-ray14 sample, 64x64 | 676 | 67 | 14 NIH findings, No Finding |")
    w("| nih128 | NIH ChestX-ray14 `images_002`, 128x128 | 6925 | 1206 | 14 NIH findings, No Finding |\n")
    w("Empty labels are masked out of the loss and of every metric. **Bias:** each label comes mostly from one source "
      "(pneumonia from children, COVID-19 from paper figures, the NIH findings from small adult images), so a model "
      "can score by recognising the source. See *Source confounding* below.\n")
    # ---------------------------------------------------------------- models
    w("## Models\n")
    w("| member | architecture | initialisation | input (manifest InputSpec) | embedding | ONNX |")
    w("|---|---|---|---|---|---|")
    for m in man["members"]:
        i = m["input"]
        spec = f"{i['channels']} x {i['height']} x {i['width']}, {i['resize']}, valueRange {i['valueRange']}" + (f", mean {i['mean']} std {i['std']}" if "mean" in i else "")
        init = "ImageNet (converted)" if m["name"] != "resnet-small" else "from scratch"
        w(f"| {m['name']} | {m['architecture']} | {init} | {spec} | {m['embeddingSize']} | {M['onnx_bytes'][m['file']] / 1e6:.1f} MB |")
    a = man["anomaly"]
    w(f"| vae (anomaly) | conv VAE, 5 stride-2 convs to 4x4, latent 64, nearest-upsampling + conv decoder; trained on train `No Finding` only | from scratch | 1 x 128 x 128, stretch, [0,1] | mu (64) | {M['onnx_bytes'][a['file']] / 1e6:.1f} MB |\n")
    w("Every member graph outputs `probabilities` [N,18] (sigmoid; for the two pneumonia sub-types the probability "
      "*given pneumonia*, see *Sub-type heads* below), `cam` [N,18,8,8] (last feature map x final linear "
      "weights + bias, in logit units: the mean of a map is the finding's logit), `embedding` [N,D] (global average of "
      "the last feature map; `similarity.member` = tiny-darknet) and two scalars computed in the graph: `ood_distance` "
      "(Mahalanobis distance of the embedding to 6,000 train X-rays, shrunk covariance) and `ood_texture` (the same for "
      "the per-channel mean/std of an early feature map). The VAE graph uses mu (no sampling) and outputs "
      "`reconstruction`, `mu`, `logvar`.\n")
    w("**Ensemble:** per finding, probability averaging with weights `(s_m - 0.5)^2` normalised over members, where "
      "`s_m` is member m's val AUC on the finding's population, averaged with its within-source AUC where a "
      "within-source comparison exists (COVID-19 inside covid, pneumonia inside Kermany, viral/bacterial inside Kermany "
      "pneumonia, No Finding inside NIH). Thresholds maximise Youden's J of the ensemble probability on the same "
      "population. Populations: the 13 adult NIH findings on nih + nih128 val images only (so healthy children are not "
      "counted as easy negatives); the other five findings on all val images labelled for them.\n")
    w("**Sub-type heads:** bacterial and viral pneumonia are trained only on images with pneumonia (their labels "
      "are masked elsewhere), so each member outputs P(sub-type | pneumonia); the manifest marks them `conditional`. "
      "Their AUCs, weights and Youden thresholds are measured on val images with pneumonia (Kermany + covid), and the "
      "server counts a sub-type only while Pneumonia is positive. Best epochs are still chosen on the pooled mean AUC, "
      "scoring the sub-types there with `P(pneumonia) x P(sub-type | pneumonia)` against their unconditional labels.\n")
    w(f"**Reported rule:** {man['findings'][0]['reportRule']}.\n")
    # ---------------------------------------------------------------- training
    w("## Training\n")
    w("Prerequisites, Debian packages (PyPI is not needed): `apt-get install python3-torch python3-torchvision "
      "python3-onnx python3-h5py python3-pil libopenblas0-openmp darknet` (`darknet` only provides the two sample photos "
      "of the converter check; `libopenblas0-openmp` makes Debian's torch fast). `ort_check.py` also needs a JDK.\n")
    w("One command retrains everything and rewrites `models/` (fixed seeds; per-epoch logs in `models/training/logs/`):\n")
    w("```\nOPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/train_all.py --data ../shared/data/cxr --ood ../shared/data/ood\n```\n")
    w("It runs: `convert_pretrained.py` (Tiny Darknet TF.js -> PyTorch, MobileNetV2-0.35 Keras h5 -> PyTorch), "
      "`check_pretrained.py`, `cache_data.py` (every image decoded and resized once, reference preprocessing, to a "
      "128x128 float cache outside the repository), `train_members.py` x3, `train_vae.py`, `build_release.py` "
      "(Mahalanobis statistics, val predictions, ensemble weights, thresholds, VAE reference, gate calibration, ONNX "
      "export opset 14 with a dynamic batch axis, manifest), `make_fixtures.py`, `evaluate.py`. `--jobs N` runs the four "
      "trainings N at a time with one thread each; the default is 2 (on 2 cores, two 1-thread trainings use the CPU "
      "better than one 2-thread training); `--jobs 1` runs them one after another with 2 threads. "
      + (f"The run that produced these files used `--jobs {timing['jobs']}`.\n" if timing.get("jobs") else "\n"))
    if check:
        d = check["darknet"]
        w("Converter check (before fine-tuning), converted Tiny Darknet top-5 on Debian darknet's sample photos: "
          f"dog.jpg -> {', '.join(f'{n} {p:.2f}' for n, p in d['dog.jpg']['top5'])}; "
          f"eagle.jpg -> {', '.join(f'{n} {p:.2f}' for n, p in d['eagle.jpg']['top5'])} (kite = the bird of prey). "
          "The converted MobileNetV2 with its original 3-class 'teachable' head labels "
          + "; ".join(f"{g['group']}: {g['argmax_counts[Normal,Covid19,Viral]']}" for g in check["mobilenet_teachable"])
          + " (argmax counts Normal/Covid19/Viral over 20 val images each).\n")
    w("Recipe: every image is first brought to one size, 128x128 (stretch, PIL antialiased bilinear on float grey, "
      "exactly the server's preprocessing), so image size cannot reveal the source; the members see 1 channel (the "
      "pretrained first-layer RGB kernels are summed). Augmentation on the fly: rotation +-8 deg, scale 0.9-1.12, "
      "translation +-6%, contrast 0.75-1.25, brightness +-0.08, gamma 0.78-1.28, in 30% of batches a down- and "
      "up-sampling to 48-96 px (so sharpness does not give the source away either), light noise; **no horizontal flip**. "
      "Loss: masked binary cross-entropy (empty labels ignored) with positive weights sqrt(neg/pos) clipped to [1, 8]. "
      "AdamW (weight decay 1e-4), batch 64, linear warm-up then cosine decay; the epoch with the best mean val AUC is kept. "
      "Weights are stored as float16 (`training/weights/*.pt`), and every metric, ONNX file and fixture is computed "
      "from those rounded weights.\n")
    w("| network | epochs | best epoch | seconds of training (this run) |")
    w("|---|---|---|---|")
    for n in names + ["vae"]:
        h = hist.get(n)
        if h:
            secs = sum(e.get("seconds", 0) for e in h["history"])
            w(f"| {n} | {len(h['history'])} | {h.get('best_epoch', len(h['history']))} | {secs:.0f} |")
    if timing:
        steps = ", ".join(f"{k} {v / 60:.1f} min" for k, v in timing.items() if k not in ("note", "total", "jobs"))
        head = timing["note"] if timing.get("note") else \
            f"Wall time of the whole `train_all.py` run that produced these files: {timing.get('total', 0) / 60:.0f} min"
        w(f"\n{head} (steps: {steps}). *Training time* under *Shortfalls against the targets, with analysis* says under "
          "what conditions (budget: 90 min).\n")
    # ---------------------------------------------------------------- results
    w("## Results (val)\n")
    w("### Headline metrics per member and ensemble\n")
    w("| metric | ensemble | " + " | ".join(names) + " |")
    w("|---|---|" + "---|" * len(names))
    rows = [("Pneumonia, Kermany images", "pneumonia_kermany"), ("COVID-19, overall", "covid_19_overall"),
            ("COVID-19 vs other pneumonias, covid source", "covid_19_within_covid_source"),
            ("viral vs bacterial, within pneumonia", "viral_vs_bacterial_within_pneumonia"),
            ("viral vs bacterial, Kermany pneumonia", "viral_vs_bacterial_within_kermany_pneumonia"),
            ("viral vs bacterial within pneumonia, score p_viral / (p_viral + p_bacterial)", "viral_vs_bacterial_within_pneumonia_ratio_score")]
    for lab, k in rows:
        w(f"| {lab} | {f3(E[k])} | " + " | ".join(f3(T[n][k]) for n in names) + " |")
    for f in NIH5:
        w(f"| {f}, NIH images | {f3(E['nih5'][f])} | " + " | ".join(f3(T[n]['nih5'][f]) for n in names) + " |")
    w(f"| mean of the five, NIH images | {E['nih5_mean']:.3f} | " + " | ".join(f"{T[n]['nih5_mean']:.3f}" for n in names) + " |\n")
    w("### Every finding: AUC with 95% CI and support, threshold, sensitivity / specificity\n")
    w("Population `nih` = nih + nih128 val images; `all` = every val image labelled for the finding. Threshold = Youden's J "
      "on that population; sensitivity / specificity at that threshold on the same images (so they are optimistic).\n")
    w("| finding | pop. | pos / neg | ensemble AUC | " + " | ".join(names) + " | threshold | sens. | spec. | Brier | reported |")
    w("|---|---|---|---|" + "---|" * len(names) + "---|---|---|---|---|")
    for f, r in M["findings"].items():
        e = r["ensemble"]; t = r["threshold"]
        pop = "nih" if r["population"].startswith("val images of sources nih") else "all"
        w(f"| {f} | {pop} | {e['pos']} / {e['neg']} | {f3(e)} | " + " | ".join(f3(r['members'][n]) for n in names) +
          f" | {t['value']:.3f} | {t['sensitivity']:.3f} | {t['specificity']:.3f} | {r['brier']} | {'yes' if t['reported'] else 'no'} |")
    w("\n### Per source: source confounding\n")
    w("Ensemble AUC on all val images labelled for the finding (`pooled`) and inside each source; the last column is the "
      "comparison inside one source that holds both classes.\n")
    w("| finding | pooled | kermany | covid | nih + nih128 | within one source |")
    w("|---|---|---|---|---|---|")
    for f, r in M["findings"].items():
        ws = r.get("withinSource")
        wt = f"{ws['population']}: {f3(ws['ensemble'])}" if ws and ws["ensemble"] else ""
        w(f"| {f} | {f3(r['pooled'])} | {f3(r['perSource']['kermany'])} | {f3(r['perSource']['covid'])} | {f3(r['perSource']['nih'])} | {wt} |")
    c = M["calibration"]
    w(f"\n### Calibration\n\nBrier score per finding in the table above. Pooled over the reported findings (each on its "
      f"population): Brier {c['brier_reported_pooled']}, expected calibration error {c['ece']} (10 bins). Reliability:\n")
    w("| predicted | n | mean predicted | observed frequency |")
    w("|---|---|---|---|")
    for b in c["reliability"]:
        w(f"| {b['bin'][0]:.1f}-{b['bin'][1]:.1f} | {b['n']} | {b['meanPredicted']:.3f} | {b['observed']:.3f} |")
    w("\nThe positive re-weighting in the loss pushes probabilities up for rare findings; the probabilities are scores to "
      "compare with the per-finding thresholds, not calibrated risks.\n")
    cal_path = os.path.join(MODELS, "calibration.json")
    if os.path.exists(cal_path):
        write_calibration(w, man, load_json(cal_path))
    check_path = os.path.join(MODELS, "heatmap-check.json")
    write_heatmaps(w, man, load_json(check_path) if os.path.exists(check_path) else None)
    # ---------------------------------------------------------------- VAE + gate
    w("## Anomaly model (VAE)\n")
    v = M["vae"]
    w(f"Reference: percentiles of mse, KL and negElbo (`negElboMseWeight` {a['negElboMseWeight']}) over the "
      f"{a['reference']['count']} val No Finding images (manifest `anomaly.reference`).\n")
    w("| AUROC | mse | kl | negElbo |")
    w("|---|---|---|---|")
    w("| normal vs abnormal (No Finding 1 vs 0), all val | " + " | ".join(f3(v['normal_vs_abnormal'][k]) for k in ('mse', 'kl', 'negElbo')) + " |")
    w("| normal vs abnormal, NIH images only | " + " | ".join(f3(v['normal_vs_abnormal_nih'][k]) for k in ('mse', 'kl', 'negElbo')) + " |")
    x = M["xray_vs_not"]
    w(f"| chest X-ray ({x['positives']} val) vs not ({x['negatives']}: 31 OOD + generated) | " +
      " | ".join(str(x['auroc'][f'anomaly.{k}']) for k in ('mse', 'kl', 'negElbo')) + " |\n")
    w(f"X-ray vs not-X-ray AUROC of every gate feature ({x['note']}): " +
      ", ".join(f"`{k}` {val}" for k, val in x["auroc"].items()) + ".\n")
    triage_path = os.path.join(MODELS, "triage-check.json")
    if os.path.exists(triage_path):
        write_triage(w, load_json(triage_path))
    w("## The \"cannot analyse\" gate\n")
    w(f"{gate_cal['method']}\n")
    w("Rules, in order (the first that fires gives the user-facing reason):\n")
    w("| feature | min | max |")
    w("|---|---|---|")
    for r in man["gate"]["rules"]:
        lo = f"{r['min']:.6g}" if "min" in r else ""
        hi = f"{r['max']:.6g}" if "max" in r else ""
        w(f"| `{r['feature']}` | {lo} | {hi} |")
    w(f"\nplus the uncertainty rule (every reported finding within {man['gate']['uncertainty']['margin']} of its threshold).\n")
    w("| image set | images | refused | rate | details (non-X-rays not refused) |")
    w("|---|---|---|---|---|")
    labels = {"val": "val chest X-rays (should pass)", "ood31": "`../shared/data/ood` (31 non-X-rays)",
              "generated_calib": "generated non-X-rays, seed 1 (looked at while choosing features)",
              "generated_holdout": "generated non-X-rays, seeds 2-4 (never used to choose anything)",
              "transformed_val_xrays": "60 val X-rays inverted / rotated 90 / upside down (not a target)"}
    for k, g in G.items():
        if k == "val":
            acc = "refused by source: " + ", ".join(f"{s} {r:.2%}" for s, r in g["bySource"].items())
        elif "byKind" in g:
            acc = "refused by kind: " + ", ".join(f"{s} {r:.0%}" for s, r in g["byKind"].items())
        else:
            acc = ", ".join(g.get("accepted", [])[:8]) + (" ..." if len(g.get("accepted", [])) > 8 else "")
        w(f"| {labels.get(k, k)} | {g['count']} | {g['rejected']} | {g['rate']:.2%} | {acc} |")
    w("")
    # ---------------------------------------------------------------- size + speed
    w("## Size and speed\n")
    w(f"ONNX files: {', '.join(f'`{k}` {v / 1e6:.2f} MB' for k, v in M['onnx_bytes'].items())}; total {M['onnx_total_mb']:.2f} MB.\n")
    if tb:
        w(f"PyTorch eager, batch 1, 2 threads (`/usr/bin/python3 models/training/torch_bench.py`), measured during "
          f"`evaluate.py`: " + ", ".join(f"{k} p50 {v['p50_ms']} ms (p95 {v['p95_ms']})" for k, v in tb["networks"].items()) +
          f"; all four networks p50 {tb['total_members_plus_vae']['p50_ms']} ms, p95 {tb['total_members_plus_vae']['p95_ms']} ms.\n")
    if ort_lines:
        w("ONNX Runtime 1.21.1 (Java API, the runtime DJL 0.38 loads; `/usr/bin/python3 models/training/ort_check.py`), "
          "batch 1, 2 intra-op threads:\n")
        w("```\n" + "\n".join(ort_lines) + "\n```\n")
    if worst:
        w(f"The same script runs every graph on every fixture input in ONNX Runtime: largest difference to the torch "
          f"outputs, max|d| / max(1, max|expected|) per output, {worst.group(1)} (the fixtures' tolerance rule; tolerance 1e-4).\n")
    w("Other builds may have been running on the same 2 cores during these measurements, so they are upper bounds; "
      "`torch_bench.py` prints JSON for a re-run.\n")
    # ---------------------------------------------------------------- analysis (hand-written, in card_notes.md)
    notes = os.path.join(HERE, "card_notes.md")
    if os.path.exists(notes):
        w(open(notes).read().strip() + "\n")
    w("## Reproduce\n")
    w("```\n# retrain everything (rewrites models/)\nOPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/train_all.py --data ../shared/data/cxr --ood ../shared/data/ood\n"
      "# recompute every metric of this card from the saved models (writes models/metrics.json, prints the tables)\n"
      "OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/evaluate.py --data ../shared/data/cxr --ood ../shared/data/ood\n"
      "# per-finding PPV / NPV, calibration (ECE, reliability) and heatmap scale from the saved models (writes them into\n"
      "# manifest.json, models/calibration.json and models/figures/reliability.svg)\n"
      "OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/finding_stats.py --data ../shared/data/cxr\n"
      "# where the shown heatmaps' hottest 10% lie, before and after the fixed scale and body mask (the server's code)\n"
      "./mvnw -B -DskipTests package && java -jar target/chestlens.jar heatmap-check --data ../shared/data/cxr --split val --out models/heatmap-check.json\n"
      "# how early the worklist's urgency order lists abnormal studies (the server's code)\n"
      "java -jar target/chestlens.jar triage-check --data ../shared/data/cxr --split val --out models/triage-check.json\n"
      "# torch eager timing of the members + VAE\nOPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/torch_bench.py\n"
      "# ONNX Runtime (Java) parity on the fixtures + timing\n/usr/bin/python3 models/training/ort_check.py\n"
      "# re-render this card\n/usr/bin/python3 models/training/make_card.py\n```\n")
    open(os.path.join(MODELS, "README.md"), "w").write("\n".join(L))
    print("wrote", os.path.join(MODELS, "README.md"))


def write_triage(w, T):
    """The worklist's urgency order on val: abnormal share in the first 10% vs overall, AUC (tools/TriageCheck)."""
    w("## Triage order (worklist)\n")
    top = round(100 * T["top"])
    w(f"The worklist (`/worklist`, `GET /api/v1/worklist`) lists a clinician's unreviewed studies by one rule "
      "(`worklist.Urgency`): studies with a positive reported finding other than No Finding first, by their highest "
      "probability / threshold, then by the anomaly percentile. `triage-check` runs the server's pipeline on a labelled "
      "folder and orders the accepted images by that same function "
      f"(`java -jar target/chestlens.jar triage-check --data ../shared/data/cxr --split val --out models/triage-check.json`; "
      f"{T['images']} {T['split']} images, {T['rejectedByGate']} refused by the gate, {T['rejectedAbnormal']} of them "
      "abnormal, are not on a worklist and are left out). *Abnormal* = any finding label 1 other than No Finding, "
      "including the NIH findings this release does not report. *Random* = the share of abnormal studies in the whole "
      f"list, what the first {top}% holds on average in random order. AUC = chance that an abnormal study is listed "
      "before a normal one (ties count half), DeLong 95% CI. *Positive findings only* ties every study without a positive "
      "finding; *anomaly only* orders by the anomaly percentile alone; the *variant* orders studies without a positive "
      "finding by their highest probability / threshold before the anomaly percentile.\n")
    w(f"| images | order | studies | abnormal in first {top}% | random (abnormal overall) | lift | AUC |")
    w("|---|---|---|---|---|---|---|")
    names = {"urgency": "**urgency (the rule)**", "positiveFindingsOnly": "positive findings only",
             "anomalyOnly": "anomaly only", "negativesByProbabilityThenAnomaly": "variant: negatives by probability"}
    groups = [("all accepted", T["all"])] + [(f"source {k}", v) for k, v in T["bySource"].items()]
    for name, orders in groups:
        for key, m in orders.items():
            if key != "urgency" and name not in ("all accepted", "source nih128"):
                continue
            auc = f"{m['auc']:.3f} [{m['aucLow']:.3f}-{m['aucHigh']:.3f}]" if "auc" in m else "n/a"
            w(f"| {name} | {names.get(key, key)} | {m['studies']} | {pct(m['abnormalInTop'])} "
              f"({m['abnormalInTopCount']} / {m['topStudies']}) | {pct(m['abnormalOverall'])} | {m['lift']:.2f} | {auc} |")
    a = T["all"]
    n = T["bySource"].get("nih128", {})
    w("")
    w("Read with care. The thresholds were chosen on these same val images (Youden's J), so the order is measured where "
      "its first key was tuned: optimistic. Over all sources the number is helped by source confounding: Kermany's "
      "children (pneumonia vs normal) are separated almost perfectly"
      + (f" (AUC {T['bySource']['kermany']['urgency']['auc']:.3f} within Kermany)" if "kermany" in T["bySource"] else "")
      + ", and the covid source is almost all abnormal. Among adults (NIH, 128 px), where abnormal means any NIH "
      "finding, of which this release reports five (Pneumonia, Cardiomegaly, Effusion, Nodule, Fibrosis)"
      + (f", the first {top}% holds {pct(n['urgency']['abnormalInTop'])} abnormal studies against "
         f"{pct(n['urgency']['abnormalOverall'])} in random order (AUC {n['urgency']['auc']:.3f})" if n else "")
      + ". The anomaly percentile ranks abnormal studies slightly *below* normal ones on val "
      f"(AUC {a['anomalyOnly']['auc']:.3f} alone; the VAE table above agrees), so as the rule's last key it lowers the "
      f"AUC a little ({a['urgency']['auc']:.3f} against {a['positiveFindingsOnly']['auc']:.3f} with the rest tied, "
      "intervals overlapping) and leaves the share in the first 10% unchanged. It "
      "is kept because it orders the studies without any positive finding for a reason a clinician can see (an unusual "
      "image), as the issue asks; the variant that orders them by how near their findings come to a threshold does "
      f"worse ({a['negativesByProbabilityThenAnomaly']['auc']:.3f}"
      + (f"; {n['negativesByProbabilityThenAnomaly']['auc']:.3f} within NIH 128 px" if n else "") + ").\n")


def pct(v):
    return "n/a" if v is None else f"{100 * v:.1f}%"


def ci(c):
    return "" if not c else f" [{100 * c[0]:.1f}-{100 * c[1]:.1f}]"


def write_calibration(w, man, C):
    """Per reported finding: calibration (ECE, reliability) and the decision at the threshold (sens, spec, PPV, NPV)."""
    F = C["findings"]
    rep = [f for f in man["findings"] if f["reported"]]
    w("### Calibration per reported finding\n")
    w("Each finding on its own val population (as its threshold), 10 equal-width bins; written by "
      "`models/training/finding_stats.py` (`models/calibration.json`). ECE = sum over bins of |mean probability - "
      "observed frequency| x share of the images. The probabilities are not recalibrated: what the page shows is the "
      "ensemble's probability as measured here.\n")
    w("| finding | population | images | prevalence | mean probability | ECE | Brier |")
    w("|---|---|---|---|---|---|---|")
    for f in rep:
        c = F[f["code"]]["calibration"]
        w(f"| {f['label']} | {F[f['code']]['population']} | {c['images']} | {c['prevalence']:.3f} | "
          f"{c['meanProbability']:.3f} | {c['ece']:.3f} | {c['brier']:.4f} |")
    w("\n![Reliability diagrams of the reported findings on val](figures/reliability.svg)\n")
    w("Reliability (observed frequency per bin of predicted probability; n = images in the bin):\n")
    w("| finding | " + " | ".join(f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)) + " |")
    w("|---|" + "---|" * 10)
    for f in rep:
        bins = {round(b["bin"][0], 1): b for b in F[f["code"]]["calibration"]["reliability"]}
        cells = []
        for i in range(10):
            b = bins.get(round(i / 10, 1))
            cells.append(f"{b['observed']:.2f} (n={b['n']})" if b else "")
        w(f"| {f['label']} | " + " | ".join(cells) + " |")
    over = [f["label"] for f in rep if F[f["code"]]["calibration"]["meanProbability"] > 1.5 * F[f["code"]]["calibration"]["prevalence"]]
    w("\nWhere the mean probability is well above the prevalence (" + ", ".join(over) + "), the probabilities run high: "
      "the loss weights positives up (sqrt(neg/pos), clipped to [1, 8]), which helps ranking but inflates probabilities of "
      "rare findings. Read a probability together with its threshold and the positive predictive value below, not as a "
      "risk.\n")
    w("### How often a positive is right: decisions at the threshold\n")
    w("`p >= threshold` on each finding's val population, with Wilson 95% intervals. PPV = of the images called positive, "
      "the share that had the finding; NPV = of those called negative, the share without it. PPV depends on how common the "
      "finding is (prevalence here); where it is rarer, fewer positives are right. The thresholds were chosen on these "
      "images (Youden's J), so all four are optimistic. `val.ppv`, `val.npv` and `val.prevalence` are in the manifest, and "
      "`GET /api/v1/model` returns sensitivity, specificity, PPV, prevalence and ECE per finding.\n")
    w("| finding | threshold | positives / images | called positive | sensitivity | specificity | PPV | NPV |")
    w("|---|---|---|---|---|---|---|---|")
    for f in rep:
        r = F[f["code"]]; k = r["counts"]
        w(f"| {f['label']} | {f['threshold']:.3f} | {k['tp'] + k['fn']} / {sum(k.values())} | {k['tp'] + k['fp']} | "
          f"{pct(r['sensitivity'])}{ci(r['sensitivityCi'])} | {pct(r['specificity'])}{ci(r['specificityCi'])} | "
          f"**{pct(r['ppv'])}**{ci(r['ppvCi'])} | {pct(r['npv'])}{ci(r['npvCi'])} |")
    low = [f"{f['label']} {pct(F[f['code']]['ppv'])}" for f in rep if (F[f["code"]]["ppv"] or 0) < 0.5]
    w("\nPositives that are right less than half the time on val: " + ", ".join(low) + ". Read such positives as flags "
      "for review, not as findings.\n")


def write_heatmaps(w, man, H):
    w("## Heatmaps\n")
    w("A finding's heatmap is its ensemble class activation map (8 x 8, logit units; per member the last feature map "
      "times the final linear weights plus bias, combined with the ensemble weights), bilinearly upsampled to the X-ray "
      "shrunk to 512 px, on a **fixed scale per finding** (manifest `heatmap`, written by `finding_stats.py`): "
      "transparent at or below `low`, the 95th percentile of the CAM cells of val images *without* the finding, and full "
      "colour (red) at `high`, the 99th percentile of those *with* it; Turbo colours from blue to red with opacity growing "
      "with the square root of the intensity, at most 60%. No per-image stretch: a weak or negative finding stays faint "
      "and two findings' colours mean the same thing. Activation outside the body is suppressed with a body mask computed "
      "from the image (`imaging.BodyMask`: on the image shrunk to 128 px, Gaussian blur, Otsu's threshold; air = pixels "
      "darker than halfway between the 1st percentile and the mean of Otsu's dark class that are connected to the image "
      "border, kept only when clearly (15 grey levels) darker than the dark pixels inside, i.e. air rather than lung; the "
      "body is the largest remaining region, grown by 2 px; an implausibly small body (< 20% of the image) masks "
      "nothing).\n")
    w("| finding (reported) | low | high | val images without / with |")
    w("|---|---|---|---|")
    for f in man["findings"]:
        h = f.get("heatmap")
        if f["reported"] and h:
            w(f"| {f['label']} | {h['low']:.2f} | {h['high']:.2f} | {h['negatives']} / {h['positives']} |")
    if not H:
        w("")
        return
    w(f"\n**Where the hottest 10% of a shown heatmap lies**, on the {H['images']} {H['split']} images "
      f"(`java -jar target/chestlens.jar heatmap-check --data ../shared/data/cxr --split val --out models/heatmap-check.json`: "
      f"the server's own code; {H['rejectedByGate']} images refused by the gate have no heatmap). Maps: every positive "
      "reported finding except No Finding, as the page shows them by default. *Before*: the map as drawn until now "
      "(min-max stretched per image, no mask): its top 10% pixels. *After*: the drawn intensities (coloured pixels at or "
      "above the map's 10%-largest value). Inside = inside the body mask. *Colour outside* = opacity-weighted share of "
      "the drawn colour outside the body.\n")
    w("| finding | maps | hottest 10% inside, before | maps entirely inside, before | maps coloured after | hottest 10% inside, after | maps entirely inside, after | colour outside, before | colour outside, after |")
    w("|---|---|---|---|---|---|---|---|---|")
    labels = {f["code"]: f["label"] for f in man["findings"]}
    rows = list(H["findings"].items()) + [("all", H["all"])]
    for code, r in rows:
        w(f"| {labels.get(code, 'all shown maps')} | {r['maps']} | {pct(r['hottest10InsideBefore'])} | "
          f"{pct(r['allHottestInsideBefore'])} | {r['colouredAfter']} | {pct(r['hottest10InsideAfter'])} | "
          f"{pct(r['allHottestInsideAfter'])} | {pct(r['colourOutsideBefore'])} | {pct(r['colourOutsideAfter'])} |")
    cov = ", ".join(f"{s} {100 * v['meanCoverage']:.0f}% (min {100 * v['minCoverage']:.0f}%)"
                    for s, v in H["maskCoverageBySource"].items())
    w(f"\nBody mask coverage of the image (mean per source): {cov}; no body found (mask covers everything) on "
      f"{H['maskNotFound']} images. *After* is inside by construction wherever the mask is right (not quite 100%: the "
      "mask's edge is soft, so pixels just outside it keep part of their colour), so the number that matters is *before*: "
      "how much of what users were shown lay outside the body, most for the findings with weak maps (Fibrosis, Viral "
      f"Pneumonia, Nodule, Cardiomegaly). {H['all']['maps'] - H['all']['colouredAfter']} of the {H['all']['maps']} "
      "positive maps have nothing coloured after: no region of them is stronger than in 95% of the regions of X-rays "
      "without the finding. The mask itself was checked by eye on val images of every source (`heatmap-check --examples "
      "DIR` writes X-ray / mask / heatmap pictures; not committed). Drawing one heatmap (mask, scale, blend, PNG at 512 px) "
      f"took {H['drawMillisPerMap']:.0f} ms on average during this run, on a machine shared with other builds.\n")


if __name__ == "__main__":
    main()
