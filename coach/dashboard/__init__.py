"""The operators' dashboard: the message queue, workers, failures, trainees and agent cost at a glance.

Query and action modules (overview, messages, jobs, trainees, agent_runs) are plain service functions that
take the process's services and own their transactions; `views` holds the thin Flask routes.
"""
