//! Who receives a reminder on which channel: each person's inbox, their group's robot (with
//! them @-ed), their e-mail, their mobile by SMS.

use chrono::NaiveDate;
use domain::Role;
use store::{Contact, Outgoing};

use crate::config::Channels;
use crate::gather::{Audience, Reminder};

fn concerns(audience: Audience, c: &Contact) -> bool {
    let role = Role::parse(&c.role);
    match audience {
        // A unit's working users: leaders and 包联领导 follow, they are not chased.
        Audience::Unit(u) => {
            c.unit_id == u && !matches!(role, Some(Role::Leadership | Role::Linked))
        }
        Audience::LeadOffice => role == Some(Role::LeadOffice),
        Audience::Leaders => role == Some(Role::Leadership),
        Audience::Admins => matches!(role, Some(Role::Admin | Role::LeadOffice)),
    }
}

/// The messages of `reminders` on `day`, one per recipient and channel.
pub fn route(
    reminders: &[Reminder],
    day: NaiveDate,
    contacts: &[Contact],
    channels: &Channels,
) -> Vec<Outgoing> {
    // Each unit's people, found once: a province has thousands of users and of reminders.
    let mut by_unit: std::collections::HashMap<i64, Vec<&Contact>> = Default::default();
    for c in contacts {
        by_unit.entry(c.unit_id).or_default().push(c);
    }
    let mut out = Vec::new();
    for r in reminders {
        let people: Vec<&Contact> = match r.to {
            Audience::Unit(u) => by_unit
                .get(&u)
                .map(|list| list.iter().copied().filter(|c| concerns(r.to, c)).collect())
                .unwrap_or_default(),
            _ => contacts.iter().filter(|c| concerns(r.to, c)).collect(),
        };
        let key = |channel: &str, target: &str| {
            let day = if r.daily { day.to_string() } else { "-".into() };
            format!("{day}|{}|{}|{channel}|{target}", r.kind, r.object)
        };
        let message = |channel: &str, target: String, user_id: Option<i64>| Outgoing {
            dedup: key(channel, &target),
            as_of: day,
            kind: r.kind.to_string(),
            channel: channel.to_string(),
            target,
            user_id,
            unit_id: r.unit_id,
            subject: r.subject.zh.clone(),
            subject_en: r.subject.en.clone(),
            body: r.body.zh.clone(),
            body_en: r.body.en.clone(),
            link: r.link.clone(),
            mentions: vec![],
        };
        for p in &people {
            out.push(message("inbox", p.username.clone(), Some(p.id)));
        }
        let group = match r.to {
            Audience::Unit(u) => Some(u),
            _ => None,
        };
        let mobiles: Vec<String> = people.iter().filter_map(|p| p.mobile.clone()).collect();
        for robot in channels.robots.iter().filter(|b| b.unit_id == group) {
            let mut m = message(robot.kind.code(), robot.name.clone(), None);
            m.mentions = mobiles.clone();
            out.push(m);
        }
        if channels.smtp.is_some() {
            for p in &people {
                if let Some(email) = &p.email {
                    out.push(message("email", email.clone(), Some(p.id)));
                }
            }
        }
        if let Some(sms) = &channels.sms
            && (sms.kinds.is_empty() || sms.kinds.iter().any(|k| k == r.kind))
        {
            for p in &people {
                if let Some(mobile) = &p.mobile {
                    out.push(message("sms", mobile.clone(), Some(p.id)));
                }
            }
        }
    }
    // One message per key: the same robot reached through two audiences posts once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|m| seen.insert(m.dedup.clone()));
    out
}
