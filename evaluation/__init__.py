"""Measuring the linker: the development set, scoring, the views and the report (`python -m evaluation`).

Modules, one job each: `devset` (loading, markup, validation), `scoring` (P/R/F1,
Resolve acc@1), `running` (the linker over passages and queries), `blind`
(spelling-blind and label-only gazetteers), `calibration` (reliability tables,
ECE), `anercorp` (real newswire), `report` (the text report), `__main__` (CLI).
"""
