#!/usr/bin/env python3
"""scikit-learn as an outside anchor for wasmlearn's benchmark.

    python3 bench/sklearn.py [--data DIR] [--quick]

Times, on the same data as bench/run.js (exported by bench/lib/export-data.js; without --data this
script runs that exporter itself, which needs `npm run build` first):

  (A)  SGDClassifier(loss='log_loss'), one epoch. scikit-learn's SGD updates after every row
       (batch 1, not 256), so it is the same pass over the data but not the same algorithm.
  (C)  one full-batch loss-and-gradient pass: the function its lbfgs solver calls each iteration
       (LinearModelLoss.loss_gradient, a private API; plain NumPy when that is missing).
  (E)  LogisticRegression(solver='lbfgs', C=1, tol=1e-4, max_iter=1000).fit to convergence.

Prints one JSON object on stdout: { "sklearn": version, ..., "workloads": { id: result } }, each
result with the median and quartiles in ms, and the loss reached computed as bench/lib/reference.js
does. Its threads are scikit-learn's defaults (BLAS/OpenMP), reported under "threads".
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
# This file is itself named sklearn.py: keep its folder off the import path, or "import sklearn"
# would import this script instead of scikit-learn.
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

import numpy as np  # noqa: E402


def load(data_dir):
    with open(os.path.join(data_dir, "meta.json")) as f:
        meta = json.load(f)
    sets = {}
    for name, m in meta["datasets"].items():
        X = np.fromfile(os.path.join(data_dir, f"{name}.X.f32"), dtype="<f4").reshape(m["rows"], m["cols"])
        y = np.fromfile(os.path.join(data_dir, f"{name}.y.f32"), dtype="<f4")
        sets[name] = (X, y, m)
    return meta, sets


def stats(samples):
    s = np.sort(np.asarray(samples, dtype=float))
    med = float(np.quantile(s, 0.5))
    p25, p75 = float(np.quantile(s, 0.25)), float(np.quantile(s, 0.75))
    return {
        "medianMs": med, "p25Ms": p25, "p75Ms": p75, "minMs": float(s[0]), "maxMs": float(s[-1]),
        "iqrPct": (p75 - p25) / med * 100 if med > 0 else 0.0, "samples": len(s), "callsPerSample": 1,
    }


def timed(fn, quick, max_seconds=2.5, min_samples=7):
    """First call (its result is returned), then samples until min_samples and max_seconds."""
    t0 = time.perf_counter()
    first = fn()
    first_ms = (time.perf_counter() - t0) * 1000
    if quick or first_ms > 8000:
        return first, dict(stats([first_ms]), firstRunOnly=not quick)
    if first_ms > 1500:
        min_samples, max_seconds = 2, 0
    elif first_ms > 400:
        min_samples, max_seconds = 4, 0
    samples = []
    start = time.perf_counter()
    while len(samples) < min_samples or (time.perf_counter() - start < max_seconds and len(samples) < 200):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return first, stats(samples)


def log1pexp(z):
    return np.logaddexp(0.0, z)


def binary_loss(X, y, w, b):
    z = X.astype(np.float64) @ np.asarray(w, dtype=np.float64) + b
    return float(np.mean(log1pexp(z) - y * z))


def softmax_loss(X, labels, W, b):
    Z = X.astype(np.float64) @ W.T + b
    m = Z.max(axis=1, keepdims=True)
    lse = (m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)))
    return float(np.mean(lse - Z[np.arange(len(labels)), labels]))


def bench_a(X, y, settings, quick):
    from sklearn.linear_model import SGDClassifier

    holder = {}

    def fit():
        clf = SGDClassifier(loss="log_loss", penalty=None, alpha=0.0, learning_rate="constant", eta0=settings["lr"],
                            max_iter=1, tol=None, shuffle=True, random_state=1, fit_intercept=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning: one epoch is the point
            clf.fit(X, y)
        holder["clf"] = clf
        return clf

    clf, st = timed(fit, quick)
    return {
        "stats": st, "loss": binary_loss(X, y, clf.coef_[0], clf.intercept_[0]),
        "note": "SGDClassifier(loss='log_loss', learning_rate='constant', eta0=%g, max_iter=1): one epoch of per-row updates (batch 1, not %d)"
                % (settings["lr"], settings["batch"]),
    }


def bench_c(X, y, m, quick):
    w = np.asarray(m["w"], dtype=np.float64)
    b = float(m["b"])
    X64 = X.astype(np.float64)  # what LogisticRegression(solver='lbfgs') converts X to
    y64 = y.astype(np.float64)
    coef = np.r_[w, b]
    z = X64 @ w + b
    p = 1 / (1 + np.exp(-z))
    ref = np.r_[X64.T @ (p - y64), np.sum(p - y64)]
    ref_loss = float(np.sum(log1pexp(z) - y64 * z))
    try:
        from sklearn._loss.loss import HalfBinomialLoss
        from sklearn.linear_model._linear_loss import LinearModelLoss

        lml = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)
        fn = lambda: lml.loss_gradient(coef, X64, y64, sample_weight=None, l2_reg_strength=0.0, n_threads=1)
        how = "LinearModelLoss.loss_gradient (what its lbfgs solver calls), X as float64"
    except Exception:  # the private API moved: the same pass in NumPy
        def fn():
            zz = X64 @ w + b
            pp = 1 / (1 + np.exp(-zz))
            return float(np.sum(log1pexp(zz) - y64 * zz)), np.r_[X64.T @ (pp - y64), np.sum(pp - y64)]
        how = "NumPy: X @ w, sigmoid, X.T @ (p - y), X as float64"
    (loss, grad), st = timed(fn, quick)
    # Newer releases average over rows, older ones sum: compare in whichever scale it returned.
    scale = 1.0 if abs(loss - ref_loss) < abs(loss - ref_loss / len(y)) else 1.0 / len(y)
    check = float(np.max(np.abs(grad - ref * scale)) / np.max(np.abs(ref * scale)))
    return {"stats": st, "loss": float(loss) / (len(y) * scale), "check": check, "note": how}


def bench_e(X, y, m, settings, quick):
    from sklearn.linear_model import LogisticRegression

    K = m["classes"]
    labels = y.astype(np.int64) if K > 2 else y
    max_iter = 20 if quick else settings["maxIter"]

    def fit():
        clf = LogisticRegression(solver="lbfgs", C=settings["C"], tol=settings["tol"], max_iter=max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, labels)
        return clf

    clf, st = timed(fit, quick)
    n = X.shape[0]
    W, b = clf.coef_.astype(np.float64), clf.intercept_.astype(np.float64)
    if K > 2:
        data_loss = softmax_loss(X, labels, W, b)
    else:
        data_loss = binary_loss(X, y, W[0], b[0])
    n_iter = int(np.max(clf.n_iter_))
    return {
        "stats": st, "loss": data_loss + float(np.sum(W * W)) / (2 * settings["C"] * n),
        "accuracy": float(clf.score(X, labels)), "nIter": n_iter, "converged": n_iter < max_iter,
        "note": "LogisticRegression(solver='lbfgs', C=1, tol=1e-4, max_iter=%d)%s" % (max_iter, ", multinomial" if K > 2 else ""),
    }


def threads():
    try:
        from threadpoolctl import threadpool_info

        return [{k: i.get(k) for k in ("internal_api", "num_threads", "architecture", "version")} for i in threadpool_info()]
    except Exception:
        return None


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    data_dir = args[args.index("--data") + 1] if "--data" in args else None
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="wasmlearn-sklearn-")
        data_dir = tmp.name
        subprocess.run(["node", os.path.join(HERE, "lib", "export-data.js"), data_dir], check=True)
    import sklearn

    meta, sets = load(data_dir)
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0], "threads": threads(), "workloads": {}}
    jobs = [("A", lambda: bench_a(*sets["A"][:2], meta["settings"]["A"], quick)),
            ("C", lambda: bench_c(*sets["C"], quick))]
    for e in ("E1", "E2", "E3"):
        if e in sets:
            jobs.append((e, lambda e=e: bench_e(*sets[e], meta["settings"]["E"], quick)))
    for wid, job in jobs:
        try:
            out["workloads"][wid] = job()
        except Exception as exc:  # one failure is reported, not fatal
            out["workloads"][wid] = {"error": "%s: %s" % (type(exc).__name__, exc)}
        print("  scikit-learn %-4s %s" % (wid, json.dumps(out["workloads"][wid].get("stats", {}).get("medianMs"))), file=sys.stderr)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
