"""Model training and scoring (churn, purchase propensity, CLV): DataFrames in, models and metrics out.

A pure library: it never imports Dagster or pipeline/, so it can be tested and used on its own.
"""
