# Reference values for tests/unit/metrics: scikit-learn's roc_auc_score and
# precision_recall_curve, and MVTec AD's reference compute_pro + trapezoid
# (mvtec_ad_evaluation/generic_util.py, with scipy.ndimage.label and a 3x3
# structure = 8-connectivity). Reads {"cases": [...]} as JSON on stdin and
# writes one result per case as JSON on stdout.
import json
import sys
from bisect import bisect
from fractions import Fraction

import numpy as np
from scipy.ndimage import label
from sklearn.metrics import precision_recall_curve, roc_auc_score


def f1_optimal(labels, scores):
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    # exact F1 per threshold (2TP / (TP + FP + P)); argmax over ascending thresholds, first wins
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    P = int(labels.sum())
    best = None
    for t in thresholds:
        pred = scores >= t
        tp = int((pred & (labels == 1)).sum())
        fp = int((pred & (labels == 0)).sum())
        f1 = Fraction(2 * tp, tp + fp + P)
        if best is None or f1 > best[0]:
            best = (f1, float(t), tp, fp)
    f1, t, tp, fp = best
    return {"threshold": t, "f1": float(f1), "precision": tp / (tp + fp), "recall": tp / P}


def trapezoid(x, y, x_max=None):
    x = np.array(x)
    y = np.array(y)
    correction = 0.0
    if x_max is not None:
        if x_max not in x:
            ins = bisect(x, x_max)
            assert 0 < ins < len(x)
            y_interp = y[ins - 1] + ((y[ins] - y[ins - 1]) * (x_max - x[ins - 1]) / (x[ins] - x[ins - 1]))
            correction = 0.5 * (y_interp + y[ins - 1]) * (x_max - x[ins - 1])
        mask = x <= x_max
        x = x[mask]
        y = y[mask]
    return np.sum(0.5 * (y[1:] + y[:-1]) * (x[1:] - x[:-1])) + correction


def compute_pro(anomaly_maps, ground_truth_maps):
    structure = np.ones((3, 3), dtype=int)
    num_ok_pixels = 0
    num_gt_regions = 0
    shape = (len(anomaly_maps), anomaly_maps[0].shape[0], anomaly_maps[0].shape[1])
    fp_changes = np.zeros(shape, dtype=np.uint32)
    pro_changes = np.zeros(shape, dtype=np.float64)
    for gt_ind, gt_map in enumerate(ground_truth_maps):
        labeled, n_components = label(gt_map, structure)
        num_gt_regions += n_components
        ok_mask = labeled == 0
        num_ok_pixels += np.sum(ok_mask)
        fp_changes[gt_ind, ok_mask] = 1
        for k in range(n_components):
            region_mask = labeled == (k + 1)
            pro_changes[gt_ind, region_mask] = 1.0 / np.sum(region_mask)
    scores = np.array(anomaly_maps).ravel()
    fp_changes = fp_changes.ravel()
    pro_changes = pro_changes.ravel()
    idx = np.argsort(scores, kind="stable")[::-1]
    scores = scores[idx]
    fprs = np.cumsum(fp_changes[idx]) / num_ok_pixels
    pros = np.cumsum(pro_changes[idx]) / num_gt_regions
    keep = np.append(np.diff(scores) != 0, np.True_)
    fprs = np.clip(fprs[keep], 0, 1)
    pros = np.clip(pros[keep], 0, 1)
    return np.concatenate(([0], fprs, [1])), np.concatenate(([0], pros, [1]))


def run(case):
    kind = case["kind"]
    if kind == "auroc":
        return float(roc_auc_score(case["labels"], case["scores"]))
    if kind == "f1":
        return f1_optimal(case["labels"], case["scores"])
    if kind == "pixelAuroc":
        scores = np.concatenate([np.array(m, dtype=np.float32) for m in case["maps"]])
        labels = np.concatenate([np.array(m, dtype=np.uint8) for m in case["masks"]]) > 0
        return float(roc_auc_score(labels, scores))
    if kind == "aupro":
        h, w = case["height"], case["width"]
        maps = [np.array(m, dtype=np.float32).reshape(h, w) for m in case["maps"]]
        masks = [np.array(m, dtype=np.uint8).reshape(h, w) > 0 for m in case["masks"]]
        fprs, pros = compute_pro(maps, masks)
        return float(trapezoid(fprs, pros, x_max=case["maxFpr"]) / case["maxFpr"])
    raise ValueError(kind)


cases = json.load(sys.stdin)["cases"]
json.dump([run(c) for c in cases], sys.stdout)
