"""scikit-learn's side of fit-vs-sklearn.bench.ts: the sweep `toolbox.fit` does.

The candidates of packages/core/src/fit/candidates.ts with scikit-learn's defaults
otherwise: StandardScaler + LogisticRegression(C=1, max_iter=200) or Ridge(alpha=1),
StandardScaler + kNN (k=5), RandomForest (100 trees, 2 jobs, seed 0); each scored by
5-fold cross_val_score on StratifiedKFold/KFold(5, shuffle=True, random_state=0)
(the folds of predictor's bench/sklearn_cv.py), then the best refitted on all rows.

A long-lived server, so that interpreter start-up and imports are paid once and
never timed. Reads JSON lines on stdin:
  {"load": name, "X": [[...]], "y": [...], "regression": bool}  -> {"loaded": name}
  {"run": name}  -> {"ms": sweep wall time, "score": best mean CV score, "best": model}
and exits at end of input. Times are time.perf_counter() around the sweep alone.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")


def candidates(regression):
    return [
        make_pipeline(StandardScaler(), Ridge(alpha=1.0) if regression else LogisticRegression(C=1.0, max_iter=200)),
        make_pipeline(StandardScaler(), (KNeighborsRegressor if regression else KNeighborsClassifier)(5)),
        (RandomForestRegressor if regression else RandomForestClassifier)(100, n_jobs=2, random_state=0),
    ]


def sweep(X, y, regression):
    cv = (KFold if regression else StratifiedKFold)(5, shuffle=True, random_state=0)
    scoring = "r2" if regression else "accuracy"
    best_score, best_model = -np.inf, None
    for model in candidates(regression):
        score = cross_val_score(model, X, y, cv=cv, scoring=scoring).mean()
        if score > best_score:
            best_score, best_model = score, model
    best_model.fit(X, y)
    return float(best_score), type(best_model[-1] if hasattr(best_model, "steps") else best_model).__name__


datasets = {}
for line in sys.stdin:
    request = json.loads(line)
    if "load" in request:
        datasets[request["load"]] = (
            np.asarray(request["X"], dtype=float),
            np.asarray(request["y"], dtype=float),
            bool(request["regression"]),
        )
        reply = {"loaded": request["load"]}
    else:
        X, y, regression = datasets[request["run"]]
        start = time.perf_counter()
        score, best = sweep(X, y, regression)
        reply = {"ms": (time.perf_counter() - start) * 1000, "score": score, "best": best}
    print(json.dumps(reply), flush=True)
