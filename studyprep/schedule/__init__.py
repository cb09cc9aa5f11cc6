"""Scheduling with FSRS: today's queue and counts, the review session, the deadline policy,
projection, readiness.
"""
