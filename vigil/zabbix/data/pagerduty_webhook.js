// vigil's PagerDuty Events API v2 webhook for Zabbix 6.0 (media type "vigil PagerDuty").
// Shaped after Zabbix's stock PagerDuty media type (GPL-2.0, (c) Zabbix SIA), with what a
// page must carry for vigil: the site id, the reason the check failed, runbook and Grafana
// dashboard links, a working event link, and an endpoint that is a parameter (PagerDuty's EU
// service region has its own events host). Severity map as the stock script:
// Not classified/Information -> info, Warning/Average -> warning, High -> error,
// Disaster -> critical. dedup_key = {EVENT.ID}, so the resolve closes the same incident.
// A non-202 answer throws, which makes Zabbix retry (media type maxattempts/attempt_interval).
var SEVERITY = ['info', 'info', 'warning', 'warning', 'error', 'critical'];

function tagValue(tags, name) {
    for (var i = 0; i < tags.length; i++) {
        if (tags[i].tag === name) {
            return tags[i].value;
        }
    }
    return '';
}

function resolved(value) {
    // An unresolved macro ("{TRIGGER.URL}", "*UNKNOWN*") is no value.
    return (typeof value === 'string' && value !== '' && value.charAt(0) !== '{'
        && value !== '*UNKNOWN*') ? value : '';
}

try {
    var params = JSON.parse(value),
        req = new HttpRequest(),
        fields = {},
        tags = [];

    if (typeof params.HTTPProxy === 'string' && params.HTTPProxy.trim() !== '') {
        req.setProxy(params.HTTPProxy);
    }
    if (isNaN(parseInt(params.eventid)) || params.eventid < 1) {
        throw 'incorrect value for variable "eventid". The value must be a positive number.';
    }
    if (!resolved(params.endpoint)) {
        throw 'no PagerDuty events endpoint (media type parameter "endpoint")';
    }
    try {
        tags = JSON.parse(params.eventtags_json || '[]');
    } catch (error) {
        tags = [];
    }

    fields.routing_key = params.token;
    fields.dedup_key = params.eventid;

    if (params.eventvalue == 1 && params.eventupdate == 0) {
        var site = tagValue(tags, 'vigil:site'),
            runbook = resolved(params.runbook) || tagValue(tags, 'vigil:runbook'),
            dashboard = tagValue(tags, 'vigil:dashboard'),
            reason = resolved(params.opdata) || resolved(params.triggerdesc),
            summary = params.event_name,
            severity = SEVERITY[parseInt(params.severity)] || 'info',
            links = [];

        if (site && summary.indexOf(site) === -1) {
            summary = site + ': ' + summary;
        }
        if (reason && summary.indexOf(reason) === -1) {
            summary = summary + ' - ' + reason;
        }
        if (resolved(params.url)) {
            links.push({
                href: params.url + '/tr_events.php?triggerid=' + params.triggerid
                    + '&eventid=' + params.eventid,
                text: 'Zabbix event'
            });
        }
        if (runbook) {
            links.push({href: runbook, text: 'Runbook'});
        }
        if (dashboard) {
            links.push({href: dashboard, text: 'Grafana dashboard'});
        }
        fields.event_action = 'trigger';
        fields.payload = {
            summary: summary.substring(0, 1024),
            source: site ? site + ' / ' + params.hostname : params.hostname,
            severity: severity,
            component: params.hostname,
            group: site,
            class: tagValue(tags, 'vigil:signal') || tagValue(tags, 'scope'),
            custom_details: {
                'Site': site,
                'Severity': params.severity_name,
                'Reason': reason,
                'Runbook': runbook,
                'Dashboard': dashboard,
                'Event time': params.eventdate + ' ' + params.eventtime,
                'Event tags': params.eventtags,
                'Host': params.hostname
            }
        };
        fields.links = links;
        fields.client = 'Zabbix (vigil)';
        if (resolved(params.url)) {
            fields.client_url = params.url;
        }
    }
    else if (params.eventvalue == 1 && params.eventupdate == 1 && params.eventack == 'Yes') {
        fields.event_action = 'acknowledge';
    }
    else if (params.eventvalue == 0) {
        fields.event_action = 'resolve';
    }
    else {
        return 'update without acknowledgement: nothing to send';
    }

    req.addHeader('Content-Type: application/json');
    var resp = req.post(params.endpoint, JSON.stringify(fields));
    Zabbix.log(4, '[vigil PagerDuty] ' + req.getStatus() + ' ' + resp);
    if (req.getStatus() != 202) {
        throw 'PagerDuty answered HTTP ' + req.getStatus() + ': ' + resp;
    }
    return 'OK';
}
catch (error) {
    Zabbix.log(3, '[vigil PagerDuty] notification failed: ' + error);
    throw 'PagerDuty notification failed: ' + error;
}
