//! Regulator notifications: a stage missing or sent late (A025), and a sent stage the report
//! cannot back with the fields it requires (A026). Only for organisations that declare a
//! regime in candor.yaml; the time limits and field lists live in [`crate::regulator`].

use super::{Code, Context, Emitter, Subject};
use crate::diag::{Arg, Message};
use crate::model::Regime;
use crate::regulator::{self, fields};

pub(super) fn check(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    if !context.references_known {
        return;
    }
    let incident = subject.incident;
    let regulated =
        regulator::Subject::new(incident, context.config, subject.impact, context.today);
    for regime in [Regime::Nis2, Regime::Dora] {
        if !regulated.declares(regime)
            && let Some(index) = incident
                .notifications
                .iter()
                .position(|n| n.regime == regime)
        {
            out.at(
                Code::A026,
                &format!("/notifications/{index}/regime"),
                Message::new("A026_undeclared")
                    .with("regime", Arg::Plain(regime.as_str().to_uppercase()))
                    .with("organisation", Arg::Plain(incident.organisation.clone())),
                format!(
                    "add `regimes: [{}]` to organisation `{}` in candor.yaml, so the notifications' time limits and content are checked",
                    regime.as_str(),
                    incident.organisation
                ),
            );
        }
        if !regulated.must_notify(regime) {
            continue;
        }
        let regime_name = Arg::Plain(regime.as_str().to_uppercase());
        // Needed only for stages that were sent; computed once for all of them.
        let mut classification = None;
        for &stage in regime.stages() {
            let stage_word = Arg::Word("word.notification_stage", stage.as_str().to_owned());
            let Some(due) = regulator::due(&regulated, regime, stage) else {
                continue;
            };
            let sent = regulated.sent(regime, stage);
            let first = sent.iter().min_by_key(|(_, n)| n.at);
            match first {
                Some((index, notification)) if notification.at > due.by => out.at(
                    Code::A025,
                    &format!("/notifications/{index}/at"),
                    Message::new("A025_late")
                        .with("regime", regime_name.clone())
                        .with("stage", stage_word.clone())
                        .with("due", Arg::Time(due.by))
                        .with("basis", Arg::Plain(due.limit.basis.to_owned()))
                        .with("sent", Arg::Time(notification.at)),
                    format!(
                        "keep the time it was sent (the limit counts from {}); say why it was late in the report (a timeline event or the change note), and accept the finding with a waiver giving that reason{}",
                        due.from,
                        if regime == Regime::Dora {
                            ", such as a limit on a weekend or holiday that your authority extended (Delegated Regulation (EU) 2025/301 Art. 5(4))"
                        } else {
                            ""
                        }
                    ),
                ),
                Some(_) => {}
                None if context.today > due.by => out.anchored(
                    Code::A025,
                    "/notifications",
                    if incident.notifications.is_empty() {
                        "/detected_at"
                    } else {
                        "/notifications"
                    },
                    Message::new("A025_missing")
                        .with("regime", regime_name.clone())
                        .with("stage", stage_word.clone())
                        .with("due", Arg::Time(due.by))
                        .with("basis", Arg::Plain(due.limit.basis.to_owned())),
                    format!(
                        "send it (`candor export {} {} --stage {}` prepares its content) and record it under `notifications` with `regime`, `stage`, `at` and `authority`",
                        regime.as_str(),
                        incident.id,
                        stage.as_str()
                    ),
                ),
                None => {}
            }
            if let Some((index, notification)) = first {
                let classification =
                    classification.get_or_insert_with(|| regulator::classify(&regulated, regime));
                let missing = fields::missing_public(&regulated, regime, stage, classification);
                if !missing.is_empty() {
                    let listed: Vec<String> = missing
                        .iter()
                        .map(|f| format!("{} ({})", f.number, f.taken_from))
                        .collect();
                    out.at(
                        Code::A026,
                        &format!("/notifications/{index}"),
                        Message::new("A026")
                            .with("regime", regime_name.clone())
                            .with("stage", stage_word.clone())
                            .with("sent", Arg::Time(notification.at))
                            .with("count", Arg::Count(missing.len() as i64))
                            .with("fields", listed.join("; ").into()),
                        format!(
                            "add them to the report or candor.yaml; `candor export {} {} --stage {}` shows the stage's full content",
                            regime.as_str(),
                            incident.id,
                            stage.as_str()
                        ),
                    );
                }
            }
        }
    }
}
