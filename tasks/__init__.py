"""RQ jobs (plain functions taking ids), the job runtime, the schedule table and the scheduler."""
