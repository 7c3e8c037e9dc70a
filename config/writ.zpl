#   writ settings (ZPL, read with czmq's zconfig).
#   Every value can be overridden by an environment variable named
#   WRIT_<SECTION>_<KEY> in upper case, e.g. intake/lmtp_listen ->
#   WRIT_INTAKE_LMTP_LISTEN; the "writ" section drops its name:
#   writ/redis_url -> WRIT_REDIS_URL.

writ
    #   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:///PATH (scripts/stack:
    #   a Unix socket in its run directory). Prefer the settings below to a
    #   password in the URL: a URL ends up in environments and process lists.
    redis_url = "redis://127.0.0.1:6379"
    #   Each daemon logs in as its own ACL user (config/redis-acl.roles),
    #   SECTION/redis_user below, with the password in
    #   {redis_secrets}/{user}.password (mode 0600, first line) unless
    #   SECTION/redis_password_file names another file. scripts/stack
    #   generates them in its run directory.
    redis_secrets = "run/redis-secrets"
    log_level = info                    #   debug | info | warn | error

bus
    #   The broker binds these two ...
    submit_bind = "tcp://127.0.0.1:5560"
    workers_bind = "tcp://127.0.0.1:5561"
    #   ... and every producer and replica connects to them.
    submit = "tcp://127.0.0.1:5560"
    workers = "tcp://127.0.0.1:5561"
    max_queue = 20000                   #   jobs held in memory per stage
    max_queue_bytes = 67108864          #   ... and at most these bytes of them (64 MiB)
    #   the largest frame any bus socket takes (a peer sending more is
    #   disconnected): a job carries a case's record, at most 4 MiB
    max_message_size = 4259840          #   4 MiB + 64 KiB
    #   CurveZMQ key directory (writctl keys init DIR; relative: beside this
    #   file). Every process loads its own role's key pair and the broker's
    #   public key; the broker lets in only the keys found here. "off": no
    #   authentication or encryption, for measuring its cost only.
    keys = "keys"

pipeline
    lease_ms = 10000                    #   a case not recorded done by then is re-sent

intake
    redis_user = intake                 #   "" : no login (a Redis without ACL users)
    lmtp_listen = "127.0.0.1:2424"
    addresses = "legal-requests@northwind-cloud.example"
    max_message_size = 26214400         #   bytes; larger -> 552 5.3.4
    max_clients = 256
    max_clients_per_address = 64        #   one address cannot take every slot; beyond: 421 4.7.0
    max_data_in_flight = 268435456      #   bytes of messages in transfer, all connections (256 MiB); beyond: 451 4.3.1
    max_pending = 100000                #   cases waiting for jurisdiction; beyond: 451 4.3.2
    timeout_s = 300                     #   idle gateway connections are closed
    provider_domains = "northwind-cloud.example"
    trusted_authserv_id = "northwind-cloud.example"   #   the gateway's authserv-id (and hosts under it)
    #   Where the gateway writes its Authentication-Results: above_received
    #   (above its own Received line: Postfix with config/postfix/'s
    #   milters; the strictest) or trace_block (anywhere among the trace
    #   fields on top, with a Received line of the provider's: gateways that
    #   write below their Received line, as the samples' did). Either way
    #   only the topmost run carrying the id counts, and the gateway must
    #   remove copies a sender wrote (config/postfix/header_checks).
    trusted_results = trace_block
    agencies = "agencies.zpl"           #   known agencies and their mail domains (relative: beside this file)
    verify_requester = true             #   unverified senders go to review

#   writ-extract: documents attached to requests (PDF, scans, images, docx)
extract
    languages = "eng+deu"               #   Tesseract languages (tesseract-ocr-LANG packages)
    dpi = 300                           #   image-only PDF pages are rendered at this resolution for OCR
    min_confidence = 60                 #   mean OCR confidence below this: review
    max_pages = 100                     #   pages of one document; more: review
    max_pixels = 40000000               #   pixels of one page or image; more: review
    cpu_seconds = 120                   #   CPU time of one document's conversion (its child)
    timeout_seconds = 240               #   wall-clock time of one document's conversion
    memory_mb = 2048                    #   address space of the converting child
    nice = 10                           #   the converting child's nice value (0..19): OCR yields the CPU to intake and the stages
    max_text = 4194304                  #   bytes of text one document may yield
    credit = 1                          #   OCR is CPU-bound: one case at a time per replica
    lease_ms = 600000                   #   a case in hand this long is re-sent (covers many pages)

jurisdiction
    redis_user = jurisdiction
    reach = territorial                 #   territorial | cloud_act
    redirect_enterprise = true
    provider_country = US
    executive_agreements = "GB,AU"      #   CLOUD Act executive agreements
    credit = 32                         #   cases a replica takes at once (its largest batch)
    registry_cache = 100000             #   registry entries a replica keeps (per import)

notify
    redis_user = notify
    outbox = "run/outbox"               #   Maildir: tmp/ new/ cur/
    #   One letter per situation, <letter>.txt (disclosure, partial,
    #   rejected-jurisdiction, rejected-process, rejected-treaty,
    #   redirected, released, other); relative: beside this file.
    templates = "notices"
    sender = "Northwind Cloud Legal <legal-notices@northwind-cloud.example>"
    #   Where customers write back; every letter gives it.
    contact = "legal-notices@northwind-cloud.example"
    message_id_domain = "northwind-cloud.example"
    credit = 32
    #   today = "2026-01-01"            #   testing only: the date gags are compared with
    #   Sending (writ-send, README "Sending notices"). Empty: the notices
    #   stay in the outbox (Maildir) and nothing is sent.
    #   smtp://HOST:PORT (STARTTLS per smtp_starttls) or smtps://HOST:465.
    smtp_relay = ""
    smtp_starttls = try                 #   none | try | required
    smtp_user = ""                      #   AUTH user; "" : no AUTH
    smtp_password_file = ""             #   its password (first line; mode 0600)
    smtp_ca_file = ""                   #   CA bundle for the relay's certificate; "" : the system's
    #   from = "legal-notices@northwind-cloud.example"   #   envelope sender (bounces); default: sender's address
    #   reply_to = "..."                #   Reply-To added when a notice has none; default: contact

#   writ-send: the sender's own settings.
send
    redis_user = send
    lease_ms = 120000                   #   a message claimed this long by a dead sender is looked at again
    retry_base_ms = 5000                #   first wait after a deferral; doubled per attempt ...
    retry_max_ms = 3600000              #   ... up to this (1 h); a deferred notice is never dropped
    attention_after = 5                 #   deferrals before `writctl queue` shows it
    #   debug_kill_after_data = false   #   testing only: SIGKILL itself after the end of the data

#   Letters to the requester (writ-send). The acknowledgement and the
#   decision letters go only to a verified requester (never to an
#   unverified sender: a forged request must not learn that its target
#   exists). A decision letter (rejection, treaty route, redirect) is held
#   for a person: writctl case letter ID send|discard --reason --as.
letters
    templates = "letters"               #   <letter>.txt; relative: beside this file
    acknowledge = true                  #   send the acknowledgement with writ's case number
    decisions = true                    #   prepare the decision letters (requester-*.txt)
    auto_send = false                   #   true: send them without a person's approval

#   On-call alerts (writ-send): an emergency request, any case entering review.
alerts
    to = ""                             #   the on-call address; "" : no alerts
    emergency_to = ""                   #   for emergencies; "" : alerts/to
    #   The daily digest of what writctl due lists (no customer data).
    digest_at = "07:00"                 #   HH:MM UTC; "" : no digest
    digest_to = ""                      #   "" : alerts/to
    digest_days = 7                     #   how many days ahead it looks
    #   from = "..."                    #   header From; default notify/sender

writctl
    redis_user = operator               #   viewer: read-only (no raw messages)

retention
    #   The original message (writ:raw) and extracted text (writ:text) of a
    #   case in a final state (notified; closed) are purged by `writctl
    #   purge` once its last change is older than this, unless the case is
    #   on legal hold. The case record, sha256, decisions and audit stay.
    raw_days = 365

casework
    #   today = "2026-01-01"            #   testing only: the date writctl's acts, queue and due use
    #   debug_delay_ms = 0              #   testing only: pause between reading a case and recording an act
