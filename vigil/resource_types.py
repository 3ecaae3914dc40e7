"""Pulumi type tokens of the resource graph vigil builds (docs/ARCHITECTURE.md).

One table shared by the components' contract, the policy pack and the offline plan, so a type
renamed in one place cannot silently stop a policy or a coverage count from matching.
"""

SITE = "vigil:index:SiteMonitoring"
CLOUDWATCH_COMPONENT = "vigil:aws:CloudWatchAlarms"
SITE_SERVICE_COMPONENT = "vigil:pagerduty:SiteService"
TEAM_ONCALL = "vigil:pagerduty:TeamOnCall"
GRAFANA_COMPONENT = "vigil:grafana:SiteDashboard"
ZABBIX_COMPONENT = "vigil:zabbix:SiteMonitoring"

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SQS_QUEUE = "aws:sqs/queue:Queue"
SQS_QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
PD_SCHEDULE = "pagerduty:index/schedule:Schedule"
PD_ESCALATION_POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy"
PD_SERVICE = "pagerduty:index/service:Service"
PD_INTEGRATION = "pagerduty:index/serviceIntegration:ServiceIntegration"
PD_ALERT_GROUPING = "pagerduty:index/alertGroupingSetting:AlertGroupingSetting"
GRAFANA_FOLDER = "grafana:oss/folder:Folder"
GRAFANA_DASHBOARD = "grafana:oss/dashboard:Dashboard"
GRAFANA_CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint"
GRAFANA_DATASOURCE = "grafana:oss/dataSource:DataSource"
GRAFANA_RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup"
GRAFANA_NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy"
DYNAMIC = "pulumi-python:dynamic:Resource"
DYNAMIC_PREFIX = "pulumi-python:dynamic"
"""Dynamic resource types: ``pulumi-python:dynamic:Resource`` or ``…dynamic/<module>:<name>``."""
AWS_PROVIDER = "pulumi:providers:aws"
STACK = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"


def is_dynamic(type_token: str) -> bool:
    """Dynamic resources: ``pulumi-python:dynamic:Resource`` or ``…dynamic/<module>:<name>``."""
    return type_token.startswith(DYNAMIC_PREFIX)
