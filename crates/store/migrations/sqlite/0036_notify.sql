-- The campaign's rhythm leaves the system (issue 18): reminders and notices to people where they
-- are — the in-app inbox, WeCom and DingTalk group robots, e-mail, an SMS gateway.

-- Where a person is reached: a mobile number (a robot's @, an SMS) and an e-mail address.
ALTER TABLE users ADD COLUMN mobile TEXT;
ALTER TABLE users ADD COLUMN email TEXT;

-- Every message to one recipient on one channel, from its making to its delivery: the outbox and
-- the delivery record at once. `dedup` names what makes it the same message (the day, the kind,
-- the object, the channel, the recipient), so a day run twice sends nothing new and a message is
-- never sent twice. Inbox messages are delivered when made; the others are claimed, sent, and
-- retried with backoff until they go or are given up.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup TEXT NOT NULL UNIQUE,
    as_of TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- inbox | wecom | dingtalk | email | sms
    channel TEXT NOT NULL,
    -- The username (inbox), the robot's name, the e-mail address or the mobile number.
    target TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    unit_id BIGINT REFERENCES units(id),
    subject TEXT NOT NULL,
    subject_en TEXT NOT NULL,
    body TEXT NOT NULL,
    body_en TEXT NOT NULL,
    link TEXT NOT NULL,
    -- |mobile|mobile| to @ in a group robot's message.
    mentions TEXT NOT NULL DEFAULT '',
    -- pending | sending | sent | failed (given up)
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    read_at BIGINT,
    last_error TEXT,
    -- The instance sending it, while it does.
    holder TEXT
);
CREATE INDEX notifications_inbox ON notifications (user_id, read_at, id) WHERE channel = 'inbox';
CREATE INDEX notifications_due ON notifications (state, next_at);
CREATE INDEX notifications_created ON notifications (created_at);

-- Scheduled jobs: one row per job and slot (a day, a week) taken by one instance at a time,
-- for a lease; `done_at` once it ran, so each slot runs exactly once across instances.
CREATE TABLE job_leases (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    holder TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    done_at BIGINT,
    PRIMARY KEY (job, slot)
);

-- Channels set up in the administration pages (the configuration file's are beside them):
-- group robots for a unit (NULL: the lead office's group), the SMTP server, an SMS gateway.
CREATE TABLE notify_channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- wecom | dingtalk | email | sms
    kind TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    unit_id BIGINT REFERENCES units(id),
    url TEXT NOT NULL,
    -- DingTalk's signing secret, the SMTP password, a gateway's token: never shown back in full.
    secret TEXT,
    -- SMTP: username and sender; SMS: the JSON body template.
    settings TEXT NOT NULL DEFAULT '{}',
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1
);
