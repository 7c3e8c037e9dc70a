/* config_defaults.c -- the built-in defaults (see config_defaults.h). */
#include "config_defaults.h"

#include <string.h>

const config_default_t CONFIG_DEFAULTS[] = {
    /* writ: every daemon */
    { "writ/redis_url", "redis://127.0.0.1:6379",
      "the Redis server (redis:// or unix://)" },
    { "writ/redis_secrets", "run/redis-secrets",
      "directory of the ACL users' {user}.password files" },
    { "writ/log_level", "info", "debug | info | warn | error" },
    /* bus: the broker and everyone connecting to it */
    { "bus/submit_bind", "tcp://127.0.0.1:5560", "where the broker takes jobs" },
    { "bus/workers_bind", "tcp://127.0.0.1:5561",
      "where the broker hands jobs to replicas" },
    { "bus/submit", "tcp://127.0.0.1:5560", "where producers send jobs" },
    { "bus/workers", "tcp://127.0.0.1:5561", "where replicas ask for jobs" },
    { "bus/max_queue", "20000", "jobs the broker holds in memory per stage" },
    { "bus/max_queue_bytes", "67108864", "bytes of jobs the broker holds per stage" },
    { "bus/keys", "keys", "CurveZMQ key directory; \"off\": no authentication" },
    /* pipeline */
    { "pipeline/lease_ms", "10000", "a case not recorded done by then is re-sent" },
    /* intake */
    { "intake/lmtp_listen", "127.0.0.1:2424", "the LMTP server's host:port" },
    { "intake/addresses", "legal-requests@northwind-cloud.example",
      "recipients intake accepts (comma or space separated)" },
    { "intake/max_message_size", "26214400", "bytes of one message; larger: 552 5.3.4" },
    { "intake/max_clients", "256", "gateway connections at once" },
    { "intake/max_clients_per_address", "64",
      "connections from one address; beyond: 421 4.7.0" },
    { "intake/max_data_in_flight", "268435456",
      "bytes of messages in transfer; beyond: 451 4.3.1" },
    { "intake/max_pending", "100000",
      "cases waiting for jurisdiction; beyond: 451 4.3.2" },
    { "intake/timeout_s", "300", "idle gateway connections are closed" },
    { "intake/verify_requester", "true", "unverified senders go to review" },
    /* extract */
    { "extract/min_confidence", "60", "mean OCR confidence below this: review" },
    /* jurisdiction */
    { "jurisdiction/reach", "territorial", "territorial | cloud_act" },
    { "jurisdiction/redirect_enterprise", "true",
      "enterprise customers' data: redirect the demand to them" },
    { "jurisdiction/provider_country", "US", "the provider's home country" },
    { "jurisdiction/executive_agreements", NULL,
      "CLOUD Act executive agreement countries" },
    { "jurisdiction/registry_cache", "100000", "registry entries a replica keeps" },
    /* notify */
    { "notify/outbox", "run/outbox", "the Maildir notices are written to" },
    { "notify/sender", "Northwind Cloud Legal <legal-notices@northwind-cloud.example>",
      "the notices' From" },
    { "notify/message_id_domain", "northwind-cloud.example",
      "the domain of the notices' Message-IDs" },
    { "notify/contact", "legal-notices@northwind-cloud.example",
      "where customers write back" },
    { "notify/today", NULL, "testing only: the date gags are compared with" },
    { "notify/templates", "config/notices", "directory of the notice letters" },
    /* send (writ-send): the relay, its retries, alerts, letters */
    { "notify/smtp_relay", "",
      "the relay writ-send sends through; empty: nothing is sent" },
    { "notify/smtp_starttls", "try", "none | try | required" },
    { "notify/smtp_user", "", "AUTH user at the relay; empty: no AUTH" },
    { "notify/smtp_password_file", "", "its password, first line of a 0600 file" },
    { "notify/smtp_ca_file", "",
      "CA bundle for the relay's certificate; empty: the system's" },
    { "notify/reply_to", "",
      "Reply-To added to a notice that has none; empty: notify/contact" },
    { "send/lease_ms", "120000",
      "a message claimed this long by a dead sender is looked at again" },
    { "send/retry_base_ms", "5000", "first wait after a deferral, doubled per attempt" },
    { "send/retry_max_ms", "3600000", "the longest wait between attempts" },
    { "send/attention_after", "5", "deferrals before writctl queue shows a message" },
    { "send/debug_kill_after_data", "false",
      "testing only: SIGKILL itself in the crash window" },
    { "letters/templates", "config/letters", "directory of the letters to requesters" },
    { "letters/acknowledge", "true", "acknowledge a verified requester's request" },
    { "letters/decisions", "true", "prepare decision letters to verified requesters" },
    { "letters/auto_send", "false", "send decision letters without a person's approval" },
    { "alerts/to", "", "the on-call address; empty: no alerts" },
    { "alerts/emergency_to", "", "the address for emergencies; empty: alerts/to" },
    { "alerts/digest_at", "07:00",
      "when the daily digest goes (HH:MM UTC); empty: none" },
    { "alerts/digest_to", "", "the digest's address; empty: alerts/to" },
    { "alerts/digest_days", "7", "how many days ahead the digest looks" },
    /* retention, casework (writctl) */
    { "retention/raw_days", "365",
      "days before a final case's original message is purged" },
    { "casework/today", NULL,
      "testing only: the date writctl's acts, queue and due use" },
    { "casework/debug_delay_ms", "0",
      "testing only: pause between reading a case and recording an act" },
    { NULL, NULL, NULL },
};

const config_default_t *config_default_find(const char *path)
{
    for (const config_default_t *d = CONFIG_DEFAULTS; d->path; d++)
        if (!strcmp(d->path, path))
            return d;
    return NULL;
}
