//! Who may do what, in one place: every page, API route and navigation link asks here.
//!
//! The rules for changing a project's fields are the domain's (`domain::access`); this module
//! says which roles reach which capability and, where an object belongs to a unit, whether it is
//! the user's own. The administrator and the 总牵头单位 (lead office) run the campaign; a
//! 责任单位 reads and writes its own projects and reports only; 领导 read.

use domain::access::Editor;
use domain::{Bilingual, Project, Role, bi};
use store::{Actor, ProblemViewer, SessionUser};

use crate::AppState;
use crate::error::AppError;

/// The campaign's own office (总牵头单位) or the administrator: sets the campaign and its
/// targets, loads the calendar, reviews reports and decides corrections and 计划调整, publishes
/// rankings, records meetings and closes decisions off, assigns service teams.
pub fn is_office(user: &SessionUser) -> bool {
    matches!(user.role, Role::Admin | Role::LeadOffice)
}

/// Manages users (create, disable, reset): the administrator alone.
pub fn manages_users(user: &SessionUser) -> bool {
    user.role == Role::Admin
}

/// Imports workbooks (the ledger, progress sheets, problem lists) for every unit: the office.
pub fn imports(user: &SessionUser) -> bool {
    is_office(user)
}

/// Reminds every unit still missing reports at once (一键催报): the office.
pub fn chases_reports(user: &SessionUser) -> bool {
    is_office(user)
}

/// Sets up the channels messages go out on (robots, SMTP, SMS) and reads the delivery record;
/// sets users' mobile numbers and e-mail addresses: the administrator.
pub fn manages_channels(user: &SessionUser) -> bool {
    user.role == Role::Admin
}

/// How a user records 招商 leads and 征迁 parcels: the office every one (and makes a landed
/// lead a ledger project, adds parcels), a responsible unit its own leads and its own town's
/// parcels' progress; anyone else reads.
pub fn lead_actor(user: &SessionUser) -> Option<Actor> {
    report_actor(user)
}

/// Records leads at all (the office, a responsible unit its own).
pub fn records_leads(user: &SessionUser) -> bool {
    lead_actor(user).is_some()
}

/// Why another unit's lead is refused.
pub fn not_their_lead() -> Bilingual {
    bi(
        "只能查看和登记本单位负责的招商项目",
        "you may see and record only your own unit's leads",
    )
}

/// Why another town's parcel is refused.
pub fn not_their_parcel() -> Bilingual {
    bi(
        "只能查看本乡镇及本单位项目的地块",
        "you may see only your own town's parcels and those of your projects",
    )
}

/// Reads the audit log (every change by everyone): the administrator alone.
pub fn reads_audit(user: &SessionUser) -> bool {
    user.role == Role::Admin
}

/// Reads only: 领导 follow the campaign, they do not file, attach or act.
pub fn reads_only(user: &SessionUser) -> bool {
    user.role == Role::Leadership
}

/// May write to the ledger at all (which projects and fields: [`editor`]).
pub fn may_write_ledger(user: &SessionUser) -> bool {
    matches!(
        user.role,
        Role::Admin | Role::LeadOffice | Role::TaskLead | Role::Responsible
    )
}

/// The user as the ledger's access rules see them (`domain::access`).
pub fn editor(user: &SessionUser) -> Editor {
    Editor {
        role: user.role,
        unit_id: user.unit_id,
    }
}

/// May create projects (the office, and a responsible unit for itself).
pub fn may_create_project(user: &SessionUser) -> bool {
    editor(user).may_create()
}

/// Why another unit's project is refused.
pub fn not_theirs() -> Bilingual {
    bi(
        "只能修改本单位的项目（新建项目的责任单位须为本单位）",
        "you may change only your own unit's projects (and create projects only for your unit)",
    )
}

/// Checks a change of a project (`old` is `None` on creation) against `domain::access`: a
/// read-only role or another unit's project is 403; figures the user is judged on are 403 with
/// each field named.
pub fn check_project_change(
    user: &SessionUser,
    old: Option<&domain::ProjectFields>,
    new: &domain::ProjectFields,
) -> Result<(), AppError> {
    use domain::access::Refusal;
    // A user with a region scope keeps every project they change inside it.
    if !in_scope(user, new.region_id) || old.is_some_and(|o| !in_scope(user, o.region_id)) {
        return Err(AppError::Refused(outside_scope(user)));
    }
    match editor(user).check(old, new) {
        Ok(()) => Ok(()),
        Err(Refusal::ReadOnly) => Err(AppError::Forbidden),
        Err(Refusal::NotTheirs) => Err(AppError::Refused(not_theirs())),
        Err(Refusal::Judged(fields)) => Err(AppError::RefusedFields(fields)),
    }
}

/// Whether a project of `region` lies within the user's region scope (辖区): always for a
/// user without one; never for a project with no region.
pub fn in_scope(user: &SessionUser, region: Option<i64>) -> bool {
    user.region.as_ref().is_none_or(|scope| scope.holds(region))
}

/// The user's region scope as a list filter (`None`: every region).
pub fn scope_filter(user: &SessionUser) -> Option<Vec<i64>> {
    user.region.as_ref().map(|scope| scope.ids.clone())
}

/// Why a project outside the user's region scope is refused.
pub fn outside_scope(user: &SessionUser) -> Bilingual {
    let name = user.region.as_ref().map(|r| r.name.as_str()).unwrap_or("");
    bi(
        format!("该项目不在您的辖区（{name}）内"),
        format!("this project lies outside your region ({name})"),
    )
}

/// A project the user may open: every page and action on one project loads it here, so a
/// user with a region scope reaches only the projects of their region (403 for another).
pub async fn project_for(
    state: &AppState,
    user: &SessionUser,
    id: i64,
) -> Result<Project, AppError> {
    let project = state.store.project(id).await?.ok_or(AppError::NotFound)?;
    if in_scope(user, project.fields.region_id) {
        Ok(project)
    } else {
        Err(AppError::Refused(outside_scope(user)))
    }
}

/// How a user files and reviews reports: the office reviews every unit's, a responsible unit
/// files its own; anyone else reads.
pub fn report_actor(user: &SessionUser) -> Option<Actor> {
    match user.role {
        Role::Admin | Role::LeadOffice => Some(Actor {
            user_id: Some(user.id),
            unit: None,
            reviewer: true,
        }),
        Role::Responsible => Some(Actor {
            user_id: Some(user.id),
            unit: Some(user.unit_id),
            reviewer: false,
        }),
        _ => None,
    }
}

/// Files reports (a responsible unit for itself).
pub fn files_reports(user: &SessionUser) -> bool {
    user.role == Role::Responsible
}

/// May read a unit's reports: a responsible unit its own, everyone else all.
pub fn may_read_unit_reports(user: &SessionUser, unit: Option<i64>) -> bool {
    user.role != Role::Responsible || unit == Some(user.unit_id)
}

/// The unit whose reports, adjustments and lists a user is confined to (`None`: all).
pub fn own_unit(user: &SessionUser) -> Option<i64> {
    (user.role == Role::Responsible).then_some(user.unit_id)
}

/// How a user looks at problems: the office, leaders and linked leaders see all.
pub fn problem_viewer(user: &SessionUser) -> ProblemViewer {
    let lead_office = is_office(user);
    ProblemViewer {
        user_id: user.id,
        unit_id: user.unit_id,
        sees_all: lead_office || matches!(user.role, Role::Leadership | Role::Linked),
        lead_office,
        within: user.region.as_ref().map(|r| r.ids.as_slice().into()),
    }
}

/// May raise a problem on a project of `project_unit`: a responsible unit on its own projects,
/// leaders and departments on any.
pub fn may_raise_problem(user: &SessionUser, project_unit: Option<i64>) -> bool {
    match user.role {
        Role::Responsible => project_unit == Some(user.unit_id),
        _ => true,
    }
}

/// May take a step, note or attach to a problem it can see (leaders read).
pub fn may_act_on_problems(user: &SessionUser) -> bool {
    !reads_only(user)
}

/// Keeps a project's approval plan: the office, its own unit, or its lead department.
pub fn may_plan_approvals(user: &SessionUser, project: &Project) -> bool {
    editor(user).may_edit(&project.fields)
}

/// Keeps a project's 智改数转 figures (equipment investment, digitalisation items, level): who
/// may edit the project's other non-judged fields.
pub fn may_edit_digital(user: &SessionUser, project: &Project) -> bool {
    editor(user).may_edit(&project.fields)
}

/// Asks for a 计划调整: a unit (or task lead) on a project it may edit; the office changes the
/// figures directly.
pub fn may_ask_adjustment(user: &SessionUser, project: &Project) -> bool {
    let e = editor(user);
    !e.is_office() && e.may_edit(&project.fields)
}

/// Changes a project's 工作专班: the office, and the project's own responsible unit.
pub fn may_edit_team(user: &SessionUser, project: &Project) -> bool {
    is_office(user)
        || (user.role == Role::Responsible && project.fields.unit_id == Some(user.unit_id))
}

/// Logs a service visit: everyone but leaders (who read) and other units.
pub fn may_log_visit(user: &SessionUser, project: &Project) -> bool {
    match user.role {
        Role::Leadership => false,
        Role::Responsible => project.fields.unit_id == Some(user.unit_id),
        _ => true,
    }
}

/// Reads every decision taken on a project (not only its own unit's): whoever reads all
/// problems (the lead office, leaders), the project's own unit and its 牵头单位 — as on /meetings.
pub fn sees_project_decisions(user: &SessionUser, project: &Project) -> bool {
    problem_viewer(user).sees_all
        || project.fields.unit_id == Some(user.unit_id)
        || project.fields.lead_department_id == Some(user.unit_id)
}

/// Records 落实情况 on a meeting's decision: its owner unit, or the office (which also closes
/// it off).
pub fn may_report_on_decision(user: &SessionUser, owner: Option<i64>) -> bool {
    is_office(user) || (!reads_only(user) && owner == Some(user.unit_id))
}

/// Reads the machine interface's documentation (the office and the administrator).
pub fn reads_api_docs(user: &SessionUser) -> bool {
    is_office(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ProjectFields;

    fn user(role: Role) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit_id: 10,
            unit_name: "本单位".into(),
            must_change_password: false,
            region: None,
            unread: 0,
        }
    }

    fn project(unit: i64) -> Project {
        Project {
            id: 1,
            version: 1,
            fields: ProjectFields {
                unit_id: Some(unit),
                ..ProjectFields::default()
            },
            unit_name: None,
            lead_department_name: None,
            region_name: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    /// Each role, on its own unit's project (10) and another's (20).
    #[test]
    fn who_may_do_what() {
        use Role::*;
        // role, office, write ledger, files, raise own, raise other, team own, visit own, visit other, ask own
        let table = [
            (
                Admin, true, true, false, true, true, true, true, true, false,
            ),
            (
                LeadOffice, true, true, false, true, true, true, true, true, false,
            ),
            (
                TaskLead, false, true, false, true, true, false, true, true, false,
            ),
            (
                Support, false, false, false, true, true, false, true, true, false,
            ),
            (
                Responsible,
                false,
                true,
                true,
                true,
                false,
                true,
                true,
                false,
                true,
            ),
            (
                Linked, false, false, false, true, true, false, true, true, false,
            ),
            (
                Leadership, false, false, false, true, true, false, false, false, false,
            ),
        ];
        let own = project(10);
        let other = project(20);
        for (
            role,
            office,
            write,
            files,
            raise_own,
            raise_other,
            team,
            visit_own,
            visit_other,
            ask,
        ) in table
        {
            let u = user(role);
            assert_eq!(is_office(&u), office, "{role:?} office");
            assert_eq!(manages_users(&u), role == Admin, "{role:?} users");
            assert_eq!(reads_audit(&u), role == Admin, "{role:?} audit");
            assert_eq!(imports(&u), office, "{role:?} imports");
            assert_eq!(may_write_ledger(&u), write, "{role:?} ledger");
            assert_eq!(files_reports(&u), files, "{role:?} files");
            assert_eq!(
                may_raise_problem(&u, Some(10)),
                raise_own,
                "{role:?} raise own"
            );
            assert_eq!(
                may_raise_problem(&u, Some(20)),
                raise_other,
                "{role:?} raise other"
            );
            assert_eq!(may_edit_team(&u, &own), team, "{role:?} team");
            assert!(!may_edit_team(&u, &other) || office, "{role:?} team other");
            assert_eq!(may_log_visit(&u, &own), visit_own, "{role:?} visit own");
            assert_eq!(
                may_log_visit(&u, &other),
                visit_other,
                "{role:?} visit other"
            );
            assert_eq!(may_ask_adjustment(&u, &own), ask, "{role:?} ask own");
            assert!(!may_ask_adjustment(&u, &other), "{role:?} ask other");
            assert_eq!(
                may_read_unit_reports(&u, Some(20)),
                role != Responsible,
                "{role:?} reads another unit's reports"
            );
            assert!(may_read_unit_reports(&u, Some(10)));
            assert!(sees_project_decisions(&u, &own), "{role:?} own decisions");
            assert_eq!(
                sees_project_decisions(&u, &other),
                office || matches!(role, Leadership | Linked),
                "{role:?} every decision on another unit's project"
            );
            assert_eq!(
                report_actor(&u).is_some(),
                office || files,
                "{role:?} actor"
            );
            assert_eq!(
                report_actor(&u).is_some_and(|a| a.reviewer),
                office,
                "{role:?} reviews"
            );
        }
    }

    /// A region scope holds its regions only; no scope holds everything; a project with no
    /// region is outside every scope; a scoped user changes no project outside it (nor moves
    /// one out), whatever their role.
    #[test]
    fn region_scope() {
        let scoped = |role| SessionUser {
            region: Some(store::RegionScope {
                id: 2,
                name: "龙田镇".into(),
                ids: vec![2, 5],
            }),
            ..user(role)
        };
        let free = user(Role::LeadOffice);
        for (region, inside) in [
            (Some(2), true),
            (Some(5), true),
            (Some(3), false),
            (None, false),
        ] {
            assert!(in_scope(&free, region));
            assert_eq!(
                in_scope(&scoped(Role::LeadOffice), region),
                inside,
                "{region:?}"
            );
            assert_eq!(
                problem_viewer(&scoped(Role::Leadership)).in_region(region),
                inside,
                "{region:?}"
            );
        }
        assert_eq!(scope_filter(&free), None);
        assert_eq!(scope_filter(&scoped(Role::Admin)), Some(vec![2, 5]));
        let at = |region: Option<i64>| ProjectFields {
            unit_id: Some(10),
            region_id: region,
            ..ProjectFields::default()
        };
        for role in [Role::Admin, Role::LeadOffice, Role::Responsible] {
            let u = scoped(role);
            assert!(
                check_project_change(&u, None, &at(Some(5))).is_ok(),
                "{role:?}"
            );
            assert!(
                check_project_change(&u, None, &at(Some(3))).is_err(),
                "{role:?}"
            );
            assert!(
                check_project_change(&u, None, &at(None)).is_err(),
                "{role:?}"
            );
            assert!(check_project_change(&u, Some(&at(Some(2))), &at(Some(5))).is_ok());
            assert!(check_project_change(&u, Some(&at(Some(2))), &at(Some(3))).is_err());
            assert!(check_project_change(&u, Some(&at(Some(3))), &at(Some(3))).is_err());
        }
    }
}
