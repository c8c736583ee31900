"""Step 5, the learning loop: follow-up actions and their reminders, reviews, lessons,
calibration, revisit triggers, feedback to proposers, the forum's portfolio status report and
the process metrics. Plain service and selector functions that pages, API, CLI and tasks call.
"""
