"""Time to page: worst-case minutes from a failure to ALARM, and from ALARM to the first human.

Pure arithmetic over what the alarms actually send (period, evaluation periods, datapoints to
alarm, namespace, the Route 53 health check behind a URL alarm), so `vigil validate` (from the
tier's alarm timing), `vigil plan` (from the recording) and the policy pack (from the resource
graph) compute the same numbers with one function, `vigil.detection.alarm_time.worst_case`.
"""
