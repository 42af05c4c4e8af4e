"""scikit-learn's side of bench/compare-sklearn.ts: the same 5-fold CV table.

StratifiedKFold/KFold(5, shuffle=True, random_state=0); StandardScaler before
logistic regression, ridge and kNN; random forest of 100 trees on 2 jobs. Prints one
JSON line per dataset named on the command line (after the folder): best-of-3 wall
time (ms) and mean score per model.
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
folder = sys.argv[1]
for name in sys.argv[2:]:
    data = np.loadtxt(f"{folder}/{name}.csv", delimiter=",", skiprows=1)
    X, y = data[:, :-1], data[:, -1]
    regression = name == "diabetes"
    cv = (KFold if regression else StratifiedKFold)(5, shuffle=True, random_state=0)
    models = [
        make_pipeline(StandardScaler(), Ridge() if regression else LogisticRegression()),
        make_pipeline(StandardScaler(), (KNeighborsRegressor if regression else KNeighborsClassifier)(5)),
        (RandomForestRegressor if regression else RandomForestClassifier)(100, n_jobs=2, random_state=0),
    ]
    row = []
    for model in models:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            scores = cross_val_score(model, X, y, cv=cv, scoring="r2" if regression else "accuracy")
            best = min(best, (time.perf_counter() - start) * 1000)
        row.append({"score": float(scores.mean()), "ms": best})
    print(json.dumps({"dataset": name, "models": row}), flush=True)
