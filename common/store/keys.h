/* keys.h -- every Redis key writ uses: the key schema, written out here
 * and nowhere else, and the names C code builds keys from.
 *
 * All keys start with "writ:" (the ACL roles, config/redis-acl.roles,
 * grant patterns under it). {id} is a case id: "c" + 16 hex digits of the
 * SHA-256 of the Message-ID (or of the message when it has none), so a
 * redelivery computes the same id; a message reusing an earlier case's
 * Message-ID with other bytes gets the id of its Message-ID and sha256
 * together (found again by writ:sha256:).
 *
 * The case
 *   writ:case:{id}          hash   id state message_id sha256 size received_at
 *                                  updated_at record review_reason challenge
 *                                  envelope [duplicate_of]; record is the
 *                                  msgpack-encoded case (wire.h);
 *                                  duplicate_of: the earlier case whose
 *                                  Message-ID this one reused with other bytes;
 *                                  casework: rev (acts applied), casework
 *                                  (JSON), preserve_day (days since 1970),
 *                                  preserve_renewed_by / renews;
 *                                  retention: hold hold_by hold_at (a legal
 *                                  hold), purged_at purged_by
 *   writ:raw:{id}           string the original message, byte-exact; removed
 *                                  by writctl purge
 *   writ:documents:{id}     string JSON array: each document attachment and
 *                                  how it was read (writ-extract)
 *   writ:text:{id}          string the text read from the documents; removed
 *                                  with the raw message
 *   writ:audit:{id}         stream one entry per change: stage worker event
 *                                  from to note [account] [operator act
 *                                  reason act_id] (stream id = Redis time)
 *   writ:msgid:{message-id} string case id (a redelivery -> the same case,
 *                                  when the sha256 matches too)
 *   writ:sha256:{hex}       string case id, for messages without Message-ID
 *                                  and for a Message-ID's later variants
 *   writ:acts:{id}          set    act ids applied (a retried act applies once)
 *   writ:holds              set    ids of cases on legal hold
 *
 * The pipeline
 *   writ:cases              zset   id by arrival time (ms)
 *   writ:pending:{stage}    zset   id by lease expiry (ms): work handed to a
 *                                  stage and not yet recorded as done
 *   writ:held               zset   "{id} {account}" of held notices by the
 *                                  gag's end (yyyymmdd; +inf when unknown)
 *   writ:workers:{stage}    zset   worker id by last heartbeat (ms)
 *
 * Casework indexes (kept by the create, stage, release and act scripts)
 *   writ:idx:state:{state}  set    case ids per state
 *   writ:idx:account:{a}    set    case ids per account  } lower case, from
 *   writ:idx:agency:{x}     set    case ids per agency   } the create script
 *   writ:idx:ref:{r}        set    case ids per reference}
 *   writ:idx:dated          set    cases with dates to watch (writctl due)
 *
 * Delivery (writ-send, delivery_store.h)
 *   writ:delivery:{id}      hash   kind case to message_id state attempts
 *                                  prepared_at updated_at lease_until worker
 *                                  next_at code reply sent_at; {id} =
 *                                  {case}.{16 hex} or {case}.alert.{8 hex}
 *   writ:delivery:case:{id} set    the delivery ids of a case
 *   writ:delivery:rearm     set    deliveries a person asked to resend
 *   writ:delivery:{name}_cursor string arrival time (ms) up to which every
 *                                  case is done for ack / letter
 *   writ:delivery:letters:approved set cases whose decision letter is
 *                                  approved, until its delivery is final
 *   writ:delivery:letters:watched  set cases in review or waiting when the
 *                                  letters' cursor passed them, watched
 *                                  until a person decides them
 *   writ:delivery:attention zset   deliveries a person must look at, by time
 *
 * The registry (registry.h; replaced atomically by registry import)
 *   writ:registry:acct:{account}   hash tenant customer_type region country
 *   writ:registry:tenant:{tenant}  hash name admin_contact
 *   writ:registry:accounts         set  registered accounts
 *   writ:registry:tenants          set  tenants
 *   writ:registry:version          counter, bumped by every import
 *
 * The Lua scripts (common/store/lua/NAME.lua) build the same keys from the same
 * prefixes, written there as literals ('writ:case:'..id): a script cannot
 * include this header. A new key: add it here (schema and name), grant it
 * in config/redis-acl.roles, and use the name below in C.
 */
#ifndef WRIT_KEYS_H
#define WRIT_KEYS_H

/* Prefixes: append an id (or the named part). String literals, so they
 * join a hiredis format: "HGET " KEY_CASE "%s state". */
#define KEY_CASE "writ:case:"
#define KEY_RAW "writ:raw:"
#define KEY_DOCUMENTS "writ:documents:"
#define KEY_TEXT "writ:text:"
#define KEY_AUDIT "writ:audit:"
#define KEY_MSGID "writ:msgid:"
#define KEY_SHA256 "writ:sha256:"
#define KEY_ACTS "writ:acts:"
#define KEY_PENDING "writ:pending:"
#define KEY_WORKERS "writ:workers:"
#define KEY_IDX_STATE "writ:idx:state:"
#define KEY_IDX_ACCOUNT "writ:idx:account:"
#define KEY_IDX_AGENCY "writ:idx:agency:"
#define KEY_IDX_REF "writ:idx:ref:"
#define KEY_DELIVERY "writ:delivery:"
#define KEY_DELIVERY_CASE "writ:delivery:case:"
#define KEY_REGISTRY_ACCT "writ:registry:acct:"
#define KEY_REGISTRY_TENANT "writ:registry:tenant:"

/* Whole keys. */
#define KEY_CASES "writ:cases"
#define KEY_HELD "writ:held"
#define KEY_HOLDS "writ:holds"
#define KEY_IDX_DATED "writ:idx:dated"
#define KEY_DELIVERY_REARM "writ:delivery:rearm"
#define KEY_DELIVERY_APPROVED "writ:delivery:letters:approved"
#define KEY_DELIVERY_WATCHED "writ:delivery:letters:watched"
#define KEY_DELIVERY_ATTENTION "writ:delivery:attention"
#define KEY_DELIVERY_CURSOR_FMT "writ:delivery:%s_cursor" /* name: ack, letter */
#define KEY_REGISTRY_ACCOUNTS "writ:registry:accounts"
#define KEY_REGISTRY_TENANTS "writ:registry:tenants"
#define KEY_REGISTRY_VERSION "writ:registry:version"

#endif
