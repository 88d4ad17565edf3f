//! Units (单位) and the roles (角色) their people hold (SPEC §1).

use serde::{Deserialize, Serialize};

coded_enum! {
    /// What kind of body a unit is.
    UnitKind {
        /// 园区: industrial park or development zone.
        Park = ("park", "园区", "Park"),
        /// 镇街: town or sub-district.
        Town = ("town", "镇街", "Town"),
        /// 国企: state-owned firm.
        StateFirm = ("state_firm", "国企", "State firm"),
        /// 部门: a government department (发改局, 商务局 …).
        Department = ("department", "部门", "Department"),
    }
}

impl UnitKind {
    /// Guesses the kind from a unit's name, for units created by an import.
    pub fn guess(name: &str) -> UnitKind {
        let ends = |suffixes: &[&str]| suffixes.iter().any(|s| name.ends_with(s));
        if name.contains("园")
            || name.contains("开发区")
            || name.contains("新区")
            || name.contains("管委会")
        {
            UnitKind::Park
        } else if ends(&["镇", "乡", "街道", "街道办事处", "镇人民政府", "乡人民政府"])
        {
            UnitKind::Town
        } else if ends(&["公司", "集团", "有限公司", "投资集团"]) {
            UnitKind::StateFirm
        } else {
            UnitKind::Department
        }
    }
}

coded_enum! {
    /// Roles of SPEC §1, plus the system administrator.
    Role {
        /// 系统管理员.
        Admin = ("admin", "系统管理员", "Administrator"),
        /// 总牵头单位: the 发改局 that owns the campaign.
        LeadOffice = ("lead_office", "总牵头单位", "Lead office"),
        /// 牵头单位: leads one key task.
        TaskLead = ("task_lead", "牵头单位", "Task lead department"),
        /// 保障单位: must act on problems.
        Support = ("support", "保障单位", "Support unit"),
        /// 责任单位: owns projects, reports progress.
        Responsible = ("responsible", "责任单位", "Responsible unit"),
        /// 包联领导 / 首席服务官 / 专班: follows one project.
        Linked = ("linked", "包联领导/首席服务官", "Linked leader / service officer"),
        /// 领导: reads dashboards and rankings.
        Leadership = ("leadership", "领导", "Leadership"),
    }
}

/// A unit as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
    pub region_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_unit_kinds_from_names() {
        assert_eq!(UnitKind::guess("江阴工业集中区管委会"), UnitKind::Park);
        assert_eq!(UnitKind::guess("龙田镇"), UnitKind::Town);
        assert_eq!(UnitKind::guess("玉屏街道"), UnitKind::Town);
        assert_eq!(UnitKind::guess("福清市城投集团"), UnitKind::StateFirm);
        assert_eq!(UnitKind::guess("市住建局"), UnitKind::Department);
        assert_eq!(Role::parse("责任单位"), Some(Role::Responsible));
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
    }
}
