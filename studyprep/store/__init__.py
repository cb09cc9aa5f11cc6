"""Persistence in one place: workspace paths, atomic files and locks, YAML, deck files,
plans, the review database.
"""
