//! Who may change which project, and which of its fields: the one place that says it for the
//! ledger (pages, API and approval plans ask here).
//!
//! The administrator and the lead office change every project and every field. A responsible
//! unit (责任单位) changes only its own projects and creates projects only for itself; a task
//! lead (牵头单位) changes the projects it leads. Neither changes the figures units are judged
//! on — 年度计划投资 with its 分月计划 and 计划年度, 总投资, planned start and completion, stage, responsible unit — which the lead
//! office changes (or approves as a 计划调整). Everyone else reads.

use crate::{Field, FieldError, ProjectFields, Role};

/// The fields a unit's lights, rates and rank are computed from (the plan year decides which
/// year's plan a status reads).
pub const JUDGED: [Field; 8] = [
    Field::AnnualPlan,
    Field::PlanPhases,
    Field::PlanYear,
    Field::TotalInvestment,
    Field::PlannedStart,
    Field::PlannedCompletion,
    Field::Stage,
    Field::Unit,
];

/// The judged fields a unit may ask to change through a 计划调整 (moving a project to another
/// unit is the office's own act).
pub const ADJUSTABLE: [Field; 6] = [
    Field::AnnualPlan,
    Field::PlanPhases,
    Field::TotalInvestment,
    Field::PlannedStart,
    Field::PlannedCompletion,
    Field::Stage,
];

/// Puts a requested value of an adjustable field into a form's input; false for any other
/// field.
pub fn set_adjustable(input: &mut crate::ProjectInput, field: Field, value: String) -> bool {
    match adjustable_slot(input, field) {
        Some(slot) => {
            *slot = value;
            true
        }
        None => false,
    }
}

/// The text a form shows for an adjustable field ("" for any other).
pub fn adjustable_text(input: &mut crate::ProjectInput, field: Field) -> String {
    adjustable_slot(input, field).cloned().unwrap_or_default()
}

fn adjustable_slot(input: &mut crate::ProjectInput, field: Field) -> Option<&mut String> {
    Some(match field {
        Field::AnnualPlan => &mut input.annual_plan_wan,
        Field::PlanPhases => &mut input.plan_phases,
        Field::TotalInvestment => &mut input.total_investment_wan,
        Field::PlannedStart => &mut input.planned_start,
        Field::PlannedCompletion => &mut input.planned_completion,
        Field::Stage => &mut input.stage,
        _ => return None,
    })
}

/// Who is asking: their role and their unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Editor {
    pub role: Role,
    pub unit_id: i64,
}

/// Why a change to the ledger is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The role reads only.
    ReadOnly,
    /// Another unit's project (or, on creation, a project for another unit).
    NotTheirs,
    /// Figures this editor is judged on; the lead office changes them.
    Judged(Vec<FieldError>),
}

impl Editor {
    /// Changes every project and every field.
    pub fn is_office(self) -> bool {
        matches!(self.role, Role::Admin | Role::LeadOffice)
    }

    /// May open the editor of this project (its own, or any for the office).
    pub fn may_edit(self, project: &ProjectFields) -> bool {
        match self.role {
            Role::Admin | Role::LeadOffice => true,
            Role::Responsible => project.unit_id == Some(self.unit_id),
            Role::TaskLead => project.lead_department_id == Some(self.unit_id),
            _ => false,
        }
    }

    /// May create projects at all: the office, and a responsible unit for itself (a task lead
    /// would set another unit's judged figures).
    pub fn may_create(self) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::LeadOffice | Role::Responsible
        )
    }

    /// Checks a change of `old` into `new` (`old` is `None` on creation).
    pub fn check(self, old: Option<&ProjectFields>, new: &ProjectFields) -> Result<(), Refusal> {
        if self.is_office() {
            return Ok(());
        }
        match old {
            None if !self.may_create() => Err(Refusal::ReadOnly),
            None => {
                if self.role == Role::Responsible && new.unit_id != Some(self.unit_id) {
                    return Err(Refusal::NotTheirs);
                }
                Ok(())
            }
            Some(old) => {
                if !matches!(self.role, Role::Responsible | Role::TaskLead) {
                    return Err(Refusal::ReadOnly);
                }
                if !self.may_edit(old) {
                    return Err(Refusal::NotTheirs);
                }
                let judged: Vec<FieldError> = JUDGED
                    .iter()
                    .filter(|f| old.display_value(**f) != new.display_value(**f))
                    .map(|f| {
                        FieldError::new(
                            *f,
                            crate::bi(format!(
                                "“{}”是考核依据，只能由总牵头单位修改（或提交计划调整申请）",
                                f.label_zh()
                            ),
                            format!(
                                "“{}” is what units are judged on: only the lead office changes it (or approves a plan adjustment)",
                                f.label_en()
                            )),
                        )
                    })
                    .collect();
                if judged.is_empty() {
                    Ok(())
                } else {
                    Err(Refusal::Judged(judged))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{Money, Stage};

    fn project(unit: i64, lead: i64) -> ProjectFields {
        ProjectFields {
            name: "龙田物流园".into(),
            unit_id: Some(unit),
            lead_department_id: Some(lead),
            annual_plan: Some(Money::from_wan(8_170)),
            stage: Some(Stage::UnderConstruction),
            ..ProjectFields::default()
        }
    }

    /// Every role on its own and on another unit's project, changing a plain field and a
    /// judged one, and creating for itself and for another unit.
    #[test]
    fn who_may_change_what() {
        const OWN: i64 = 1;
        const OTHER: i64 = 2;
        const LEAD: i64 = 9;
        let mine = project(OWN, LEAD);
        let theirs = project(OTHER, 8);
        let plain = |p: &ProjectFields| ProjectFields {
            remarks: Some("已进场".into()),
            ..p.clone()
        };
        let plan = |p: &ProjectFields| ProjectFields {
            annual_plan: Some(Money::from_wan(5_000)),
            ..p.clone()
        };
        let moved = |p: &ProjectFields| ProjectFields {
            unit_id: Some(OWN),
            ..p.clone()
        };
        use Refusal::*;
        let ok = |r: Result<(), Refusal>| r.is_ok();
        let is =
            |r: Result<(), Refusal>, want: fn(&Refusal) -> bool| r.err().as_ref().is_some_and(want);
        for role in [Role::Admin, Role::LeadOffice] {
            let e = Editor { role, unit_id: 99 };
            assert!(ok(e.check(Some(&theirs), &plan(&theirs))), "{role:?}");
            assert!(ok(e.check(None, &theirs)), "{role:?}");
        }
        let unit = Editor {
            role: Role::Responsible,
            unit_id: OWN,
        };
        assert!(ok(unit.check(Some(&mine), &plain(&mine))));
        assert!(is(
            unit.check(Some(&mine), &plan(&mine)),
            |r| matches!(r, Judged(f) if f[0].field == "annual_plan_wan")
        ));
        assert!(is(unit.check(Some(&theirs), &plain(&theirs)), |r| *r
            == NotTheirs));
        assert!(is(unit.check(Some(&theirs), &moved(&theirs)), |r| *r
            == NotTheirs));
        assert!(ok(unit.check(None, &mine)));
        assert!(is(unit.check(None, &theirs), |r| *r == NotTheirs));
        let lead = Editor {
            role: Role::TaskLead,
            unit_id: LEAD,
        };
        assert!(ok(lead.check(Some(&mine), &plain(&mine))));
        assert!(is(lead.check(Some(&mine), &plan(&mine)), |r| matches!(
            r,
            Judged(_)
        )));
        assert!(is(lead.check(Some(&theirs), &plain(&theirs)), |r| *r
            == NotTheirs));
        for role in [Role::Support, Role::Linked, Role::Leadership] {
            let e = Editor { role, unit_id: OWN };
            assert!(
                is(e.check(Some(&mine), &plain(&mine)), |r| *r == ReadOnly),
                "{role:?}"
            );
            assert!(is(e.check(None, &mine), |r| *r == ReadOnly), "{role:?}");
            assert!(!e.may_edit(&mine));
        }
    }
}
