//! Approval nodes (审批要件) and the templates that chain them, with default durations in working
//! days and the department that answers for each (SPEC §2 Milestone, §3.4).
//!
//! The defaults follow the usual county practice after 多审合一 and the Quanzhou/Shiyan 模拟审批
//! articles: the node list of "百日攻坚" (可研, 初设, 施工准备 with 规划选址, 用地预审, 节能评价,
//! 环境评价); a project copies a template and then changes durations, nodes and dependencies.

use chrono::NaiveDate;

use crate::schedule::{Plan, PlanNode};

/// One kind of approval step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeType {
    /// Stable key, used in plans and files.
    pub code: &'static str,
    pub name: &'static str,
    pub english: &'static str,
    /// Default duration in working days.
    pub duration: u32,
    /// The department that answers for it (by its usual county name).
    pub department: &'static str,
}

const fn node(
    code: &'static str,
    name: &'static str,
    english: &'static str,
    duration: u32,
    department: &'static str,
) -> NodeType {
    NodeType {
        code,
        name,
        english,
        duration,
        department,
    }
}

/// The catalogue, in the order a clerk lists the chain.
pub const NODE_TYPES: &[NodeType] = &[
    node(
        "lixiang",
        "项目建议书/立项(备案)",
        "proposal / registration",
        10,
        "发展和改革局",
    ),
    node(
        "xuanzhi",
        "规划选址",
        "site selection",
        10,
        "自然资源和规划局",
    ),
    node(
        "yudi",
        "用地预审",
        "land-use pre-review",
        20,
        "自然资源和规划局",
    ),
    node(
        "keyan",
        "可研批复",
        "feasibility study approval",
        15,
        "发展和改革局",
    ),
    node(
        "huanping",
        "环评批复",
        "environmental impact approval",
        30,
        "生态环境局",
    ),
    node(
        "jieneng",
        "节能审查",
        "energy-saving review",
        15,
        "发展和改革局",
    ),
    node(
        "shuibao",
        "水土保持",
        "soil and water conservation plan",
        15,
        "水利局",
    ),
    node(
        "chushe",
        "初步设计批复",
        "preliminary design approval",
        20,
        "发展和改革局",
    ),
    node(
        "yongdi_xuke",
        "用地规划许可",
        "land-use planning permit",
        10,
        "自然资源和规划局",
    ),
    node(
        "gongcheng_xuke",
        "工程规划许可",
        "construction planning permit",
        10,
        "自然资源和规划局",
    ),
    node(
        "shentu",
        "施工图审查",
        "construction drawing review",
        15,
        "住房和城乡建设局",
    ),
    node("zhaobiao", "招投标", "tendering", 25, "公共资源交易中心"),
    node(
        "shigong_xuke",
        "施工许可",
        "construction permit",
        5,
        "住房和城乡建设局",
    ),
    node("zijin", "资金落实", "funding secured", 10, "财政局"),
    node(
        "xianchang",
        "施工现场准备",
        "site preparation",
        15,
        "建设单位",
    ),
];

pub fn node_type(code: &str) -> Option<&'static NodeType> {
    NODE_TYPES.iter().find(|t| t.code == code)
}

/// A template: node types and, for each, the node types it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub code: &'static str,
    pub name: &'static str,
    pub english: &'static str,
    pub steps: &'static [(&'static str, &'static [&'static str])],
}

pub const TEMPLATES: &[Template] = &[
    Template {
        code: "government",
        name: "政府投资项目（审批制）",
        english: "government investment (approval)",
        steps: &[
            ("lixiang", &[]),
            ("xuanzhi", &["lixiang"]),
            ("yudi", &["lixiang"]),
            ("huanping", &["lixiang"]),
            ("jieneng", &["lixiang"]),
            ("shuibao", &["lixiang"]),
            ("keyan", &["xuanzhi", "yudi", "jieneng"]),
            ("yongdi_xuke", &["keyan"]),
            ("zijin", &["keyan"]),
            ("chushe", &["keyan", "huanping", "shuibao"]),
            ("gongcheng_xuke", &["yongdi_xuke", "chushe"]),
            ("shentu", &["chushe"]),
            ("xianchang", &["yongdi_xuke"]),
            ("zhaobiao", &["shentu", "zijin"]),
            ("shigong_xuke", &["gongcheng_xuke", "zhaobiao", "xianchang"]),
        ],
    },
    Template {
        code: "enterprise_approval",
        name: "企业投资项目（核准制）",
        english: "enterprise investment (approval list)",
        steps: &[
            ("xuanzhi", &[]),
            ("yudi", &[]),
            ("jieneng", &[]),
            ("huanping", &[]),
            ("lixiang", &["xuanzhi", "yudi", "jieneng"]),
            ("yongdi_xuke", &["lixiang"]),
            ("gongcheng_xuke", &["yongdi_xuke"]),
            ("shentu", &["lixiang"]),
            ("zijin", &["lixiang"]),
            ("xianchang", &["yongdi_xuke"]),
            (
                "shigong_xuke",
                &["gongcheng_xuke", "shentu", "huanping", "zijin", "xianchang"],
            ),
        ],
    },
    Template {
        code: "enterprise_filing",
        name: "企业投资项目（备案制）",
        english: "enterprise investment (filing)",
        steps: &[
            ("lixiang", &[]),
            ("yongdi_xuke", &["lixiang"]),
            ("huanping", &["lixiang"]),
            ("jieneng", &["lixiang"]),
            ("gongcheng_xuke", &["yongdi_xuke"]),
            ("shentu", &["gongcheng_xuke"]),
            ("xianchang", &["yongdi_xuke"]),
            (
                "shigong_xuke",
                &["shentu", "huanping", "jieneng", "xianchang"],
            ),
        ],
    },
];

pub fn template(code: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.code == code)
}

impl Template {
    /// The template as a plan with default durations, starting on `start`.
    pub fn plan(&self, start: NaiveDate) -> Plan {
        Plan {
            start,
            nodes: self
                .steps
                .iter()
                .map(|(code, after)| {
                    let t = node_type(code);
                    PlanNode {
                        id: (*code).to_string(),
                        name: t.map(|t| t.name).unwrap_or(code).to_string(),
                        duration: t.map_or(0, |t| t.duration),
                        after: after.iter().map(|a| (*a).to_string()).collect(),
                        planned_start: None,
                        planned_finish: None,
                        actual_finish: None,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;
    use crate::schedule::schedule;

    #[test]
    fn templates_name_known_nodes_and_schedule() {
        let calendar = WorkCalendar::builtin().unwrap();
        for t in TEMPLATES {
            for (code, after) in t.steps {
                assert!(node_type(code).is_some(), "{code}");
                assert!(after.iter().all(|a| node_type(a).is_some()), "{code}");
            }
            let start = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
            let s = schedule(&t.plan(start), &calendar).unwrap();
            assert!(s.saved_workdays > 0, "{}", t.code);
            assert_eq!(
                s.critical_path.last().map(String::as_str),
                Some("shigong_xuke")
            );
        }
        assert_eq!(template("government").unwrap().steps.len(), 15);
    }
}
