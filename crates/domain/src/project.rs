//! The project (项目) of the ledger (台账), with every field of SPEC §2.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::{Edge, parse_date, parse_span};
use crate::money::{AmountUnit, Money};
use crate::text::clean_name;
use crate::{Bilingual, bi};

coded_enum! {
    /// Stage of a project on its way from idea to production (SPEC §2 "Stage / category").
    Stage {
        /// 谋划: an idea being shaped.
        Planning = ("planning", "谋划", "Planning", "谋划项目", "策划", "储备"),
        /// 前期: pre-construction approvals.
        PreWork = ("pre_work", "前期", "Pre-construction", "前期项目", "前期工作"),
        /// 计划开工: to start this year.
        ToStart = ("to_start", "计划开工", "To start", "新开工", "计划新开工", "新开工项目", "计划开工项目"),
        /// 在建: under construction.
        UnderConstruction = ("under_construction", "在建", "Under construction", "续建", "在建项目", "续建项目"),
        /// 计划竣工: to complete this year.
        ToComplete = ("to_complete", "计划竣工", "To complete", "计划竣工项目"),
        /// 竣工: completed.
        Completed = ("completed", "竣工", "Completed", "已竣工", "竣工项目"),
        /// 投产: in production or in use.
        InProduction = ("in_production", "投产", "In production", "已投产", "投产项目", "竣工投产"),
    }
}

coded_enum! {
    /// 项目级别.
    Level {
        Provincial = ("provincial", "省重点", "Provincial key", "省级重点", "省重点项目"),
        City = ("city", "市重点", "City key", "市级重点", "市重点项目"),
        County = ("county", "县重点", "County key", "县级重点", "县重点项目", "区重点", "区级重点"),
    }
}

/// Tags a clerk filters by (SPEC §2). Others may be added freely; these are offered in forms.
pub const KNOWN_TAGS: &[&str] = &[
    "亿元以上",
    "省督办",
    "预算内投资",
    "对口协作",
    "首席服务官",
    "重中之重",
];

/// Funding sources (SPEC §2).
pub const FUNDING_SOURCES: &[&str] = &[
    "政策性资金",
    "专项债",
    "政府债券",
    "企业债券",
    "预算内资金",
    "银行贷款",
    "自筹",
];

/// Project categories (项目类别) as county ledgers use them.
pub const CATEGORIES: &[&str] = &[
    "产业项目",
    "基础设施",
    "社会民生",
    "城市建设",
    "生态环保",
    "农业农村",
];

/// A project as stored in the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: i64,
    /// Optimistic-concurrency version; an update must name the version it started from.
    pub version: i64,
    #[serde(flatten)]
    pub fields: ProjectFields,
    /// Names resolved from the ids, for display.
    pub unit_name: Option<String>,
    pub lead_department_name: Option<String>,
    pub region_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Every editable field of a project, already validated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProjectFields {
    /// 项目编号: unique when given.
    pub code: Option<String>,
    /// 项目名称: required.
    pub name: String,
    /// 项目类别 (产业项目, 基础设施 …).
    pub category: Option<String>,
    pub stage: Option<Stage>,
    pub level: Option<Level>,
    pub tags: Vec<String>,
    /// 产业 / 产业链.
    pub industry: Option<String>,
    /// 所在区域: a region of the regions table (a county by GB/T 2260 code, or a town).
    pub region_id: Option<i64>,
    /// 责任单位.
    pub unit_id: Option<i64>,
    /// 牵头单位 (task lead department).
    pub lead_department_id: Option<i64>,
    /// 包联领导.
    pub linked_leader: Option<String>,
    /// 首席服务官.
    pub service_officer: Option<String>,
    /// 建设内容及规模.
    pub content: Option<String>,
    /// 总投资.
    pub total_investment: Option<Money>,
    /// 年度计划投资.
    pub annual_plan: Option<Money>,
    /// The year the annual plan is for.
    pub plan_year: Option<i32>,
    /// 分月计划: the annual plan by month or quarter, adding up to it.
    pub plan_phases: Option<crate::phases::PlanPhases>,
    /// 建设起止年限.
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub planned_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    pub planned_production: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_completion: Option<NaiveDate>,
    pub actual_production: Option<NaiveDate>,
    /// 建设地点.
    pub location: Option<String>,
    pub funding_sources: Vec<String>,
    /// 达产后年产值 (万元 as Money).
    pub expected_output: Option<Money>,
    /// 达产后年税收.
    pub expected_tax: Option<Money>,
    /// 新增就业 (people).
    pub expected_jobs: Option<i64>,
    /// 项目业主 / 建设单位 as written (the company), distinct from the responsible unit.
    pub owner: Option<String>,
    pub remarks: Option<String>,
}

/// One field of a project, named for history, forms and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Code,
    Name,
    Category,
    Stage,
    Level,
    Tags,
    Industry,
    Region,
    Unit,
    LeadDepartment,
    LinkedLeader,
    ServiceOfficer,
    Content,
    TotalInvestment,
    AnnualPlan,
    PlanPhases,
    PlanYear,
    Period,
    PlannedStart,
    PlannedCompletion,
    PlannedProduction,
    ActualStart,
    ActualCompletion,
    ActualProduction,
    Location,
    FundingSources,
    ExpectedOutput,
    ExpectedTax,
    ExpectedJobs,
    Owner,
    Remarks,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Code,
        Field::Name,
        Field::Category,
        Field::Stage,
        Field::Level,
        Field::Tags,
        Field::Industry,
        Field::Region,
        Field::Unit,
        Field::LeadDepartment,
        Field::LinkedLeader,
        Field::ServiceOfficer,
        Field::Content,
        Field::TotalInvestment,
        Field::AnnualPlan,
        Field::PlanPhases,
        Field::PlanYear,
        Field::Period,
        Field::PlannedStart,
        Field::PlannedCompletion,
        Field::PlannedProduction,
        Field::ActualStart,
        Field::ActualCompletion,
        Field::ActualProduction,
        Field::Location,
        Field::FundingSources,
        Field::ExpectedOutput,
        Field::ExpectedTax,
        Field::ExpectedJobs,
        Field::Owner,
        Field::Remarks,
    ];

    /// The key used in forms, the API and the change history.
    pub fn key(self) -> &'static str {
        self.meta().0
    }

    pub fn label_zh(self) -> &'static str {
        self.meta().1
    }

    pub fn label_en(self) -> &'static str {
        self.meta().2
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::Zh => self.label_zh(),
            crate::Lang::En => self.label_en(),
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.key() == key)
    }

    fn meta(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Field::Code => ("code", "项目编号", "Code"),
            Field::Name => ("name", "项目名称", "Name"),
            Field::Category => ("category", "项目类别", "Category"),
            Field::Stage => ("stage", "项目阶段", "Stage"),
            Field::Level => ("level", "项目级别", "Level"),
            Field::Tags => ("tags", "标签", "Tags"),
            Field::Industry => ("industry", "所属产业", "Industry"),
            Field::Region => ("region_id", "所在区域", "Region"),
            Field::Unit => ("unit_id", "责任单位", "Responsible unit"),
            Field::LeadDepartment => ("lead_department_id", "牵头单位", "Lead department"),
            Field::LinkedLeader => ("linked_leader", "包联领导", "Linked leader"),
            Field::ServiceOfficer => ("service_officer", "首席服务官", "Service officer"),
            Field::Content => ("content", "建设内容及规模", "Construction content"),
            Field::TotalInvestment => (
                "total_investment_wan",
                "总投资（万元）",
                "Total investment (10k yuan)",
            ),
            Field::AnnualPlan => (
                "annual_plan_wan",
                "年度计划投资（万元）",
                "Annual plan (10k yuan)",
            ),
            Field::PlanPhases => (
                "plan_phases",
                "分月计划（万元）",
                "Plan by month or quarter (10k yuan)",
            ),
            Field::PlanYear => ("plan_year", "计划年度", "Plan year"),
            Field::Period => ("period", "建设起止年限", "Construction period"),
            Field::PlannedStart => ("planned_start", "计划开工时间", "Planned start"),
            Field::PlannedCompletion => {
                ("planned_completion", "计划竣工时间", "Planned completion")
            }
            Field::PlannedProduction => {
                ("planned_production", "计划投产时间", "Planned production")
            }
            Field::ActualStart => ("actual_start", "实际开工时间", "Actual start"),
            Field::ActualCompletion => ("actual_completion", "实际竣工时间", "Actual completion"),
            Field::ActualProduction => ("actual_production", "实际投产时间", "Actual production"),
            Field::Location => ("location", "建设地点", "Location"),
            Field::FundingSources => ("funding_sources", "资金来源", "Funding sources"),
            Field::ExpectedOutput => (
                "expected_output_wan",
                "达产后年产值（万元）",
                "Annual output (10k yuan)",
            ),
            Field::ExpectedTax => (
                "expected_tax_wan",
                "达产后年税收（万元）",
                "Annual tax (10k yuan)",
            ),
            Field::ExpectedJobs => ("expected_jobs", "新增就业（人）", "New jobs"),
            Field::Owner => ("owner", "项目业主", "Owner"),
            Field::Remarks => ("remarks", "备注", "Remarks"),
        }
    }
}

impl ProjectFields {
    /// The value of one field as the text shown in the change history ("" when empty).
    pub fn display_value(&self, field: Field) -> String {
        fn opt<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        fn wan(v: &Option<Money>) -> String {
            v.map(Money::wan_string).unwrap_or_default()
        }
        match field {
            Field::Code => opt(&self.code),
            Field::Name => self.name.clone(),
            Field::Category => opt(&self.category),
            Field::Stage => self
                .stage
                .map(|s| s.label_zh().to_string())
                .unwrap_or_default(),
            Field::Level => self
                .level
                .map(|s| s.label_zh().to_string())
                .unwrap_or_default(),
            Field::Tags => self.tags.join("、"),
            Field::Industry => opt(&self.industry),
            Field::Region => opt(&self.region_id),
            Field::Unit => opt(&self.unit_id),
            Field::LeadDepartment => opt(&self.lead_department_id),
            Field::LinkedLeader => opt(&self.linked_leader),
            Field::ServiceOfficer => opt(&self.service_officer),
            Field::Content => opt(&self.content),
            Field::TotalInvestment => wan(&self.total_investment),
            Field::AnnualPlan => wan(&self.annual_plan),
            Field::PlanPhases => self
                .plan_phases
                .as_ref()
                .map(crate::phases::PlanPhases::display)
                .unwrap_or_default(),
            Field::PlanYear => opt(&self.plan_year),
            Field::Period => match (self.period_start, self.period_end) {
                (Some(s), Some(e)) => crate::dates::format_span(s, e),
                _ => String::new(),
            },
            Field::PlannedStart => opt(&self.planned_start),
            Field::PlannedCompletion => opt(&self.planned_completion),
            Field::PlannedProduction => opt(&self.planned_production),
            Field::ActualStart => opt(&self.actual_start),
            Field::ActualCompletion => opt(&self.actual_completion),
            Field::ActualProduction => opt(&self.actual_production),
            Field::Location => opt(&self.location),
            Field::FundingSources => self.funding_sources.join("、"),
            Field::ExpectedOutput => wan(&self.expected_output),
            Field::ExpectedTax => wan(&self.expected_tax),
            Field::ExpectedJobs => opt(&self.expected_jobs),
            Field::Owner => opt(&self.owner),
            Field::Remarks => opt(&self.remarks),
        }
    }

    /// The fields whose values differ, in display order.
    pub fn changed_fields(&self, other: &ProjectFields) -> Vec<Field> {
        Field::ALL
            .iter()
            .copied()
            .filter(|f| self.display_value(*f) != other.display_value(*f))
            .collect()
    }

    /// A 分月计划 given without its annual plan states the plan (the form and the importer).
    pub fn plan_from_phases(&mut self) {
        if self.annual_plan.is_none()
            && let Some(phases) = &self.plan_phases
        {
            self.annual_plan = i64::try_from(phases.total_fen()).ok().map(Money::from_fen);
        }
    }

    /// Rules that hold between fields, checked after each field parsed on its own.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.name.is_empty() {
            errors.push(FieldError::new(
                Field::Name,
                bi("项目名称不能为空", "the project name is required"),
            ));
        }
        if self.name.chars().count() > 200 {
            errors.push(FieldError::new(
                Field::Name,
                bi(
                    "项目名称不能超过200个字",
                    "the project name is longer than 200 characters",
                ),
            ));
        }
        for (field, amount) in [
            (Field::TotalInvestment, self.total_investment),
            (Field::AnnualPlan, self.annual_plan),
            (Field::ExpectedOutput, self.expected_output),
            (Field::ExpectedTax, self.expected_tax),
        ] {
            if amount.is_some_and(Money::is_negative) {
                errors.push(FieldError::new(
                    field,
                    bi("金额不能为负数", "the amount cannot be negative"),
                ));
            }
        }
        if let (Some(total), Some(plan)) = (self.total_investment, self.annual_plan)
            && plan > total
        {
            errors.push(FieldError::new(
                Field::AnnualPlan,
                bi(
                    format!(
                        "年度计划投资 {} 万元大于总投资 {} 万元",
                        plan.wan_display(),
                        total.wan_display()
                    ),
                    format!(
                        "the annual plan {} exceeds the total investment {} (10k yuan)",
                        plan.wan_display(),
                        total.wan_display()
                    ),
                ),
            ));
        }
        if let Some(problem) = self
            .plan_phases
            .as_ref()
            .and_then(|p| p.check(self.annual_plan))
        {
            errors.push(FieldError::new(Field::PlanPhases, problem));
        }
        if self.expected_jobs.is_some_and(|j| j < 0) {
            errors.push(FieldError::new(
                Field::ExpectedJobs,
                bi("新增就业不能为负数", "new jobs cannot be negative"),
            ));
        }
        for (field, planned, actual) in [
            (
                Field::PlannedCompletion,
                self.planned_start,
                self.planned_completion,
            ),
            (
                Field::ActualCompletion,
                self.actual_start,
                self.actual_completion,
            ),
        ] {
            if let (Some(s), Some(c)) = (planned, actual)
                && c < s
            {
                errors.push(FieldError::new(
                    field,
                    bi(
                        format!("竣工时间 {c} 早于开工时间 {s}"),
                        format!("completion {c} is before the start {s}"),
                    ),
                ));
            }
        }
        errors
    }
}

/// A validation message tied to the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: Field, message: Bilingual) -> FieldError {
        FieldError {
            field: field.key(),
            message_zh: message.zh,
            message_en: message.en,
        }
    }
}

/// A project as a form or an API body sends it: text for every field, amounts in 万元.
/// Units and departments are given by id (the form's select) and resolved before validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectInput {
    pub code: String,
    pub name: String,
    pub category: String,
    pub stage: String,
    pub level: String,
    /// Separated by "、", "," or ";" in forms; a JSON array is joined by the API before this.
    pub tags: String,
    pub industry: String,
    pub region_id: String,
    pub unit_id: String,
    pub lead_department_id: String,
    pub linked_leader: String,
    pub service_officer: String,
    pub content: String,
    pub total_investment_wan: String,
    pub annual_plan_wan: String,
    /// 分月计划: 12 amounts (months) or 4 (quarters) in 万元, see `PlanPhases::parse`.
    pub plan_phases: String,
    pub plan_year: String,
    pub period: String,
    pub planned_start: String,
    pub planned_completion: String,
    pub planned_production: String,
    pub actual_start: String,
    pub actual_completion: String,
    pub actual_production: String,
    pub location: String,
    pub funding_sources: String,
    pub expected_output_wan: String,
    pub expected_tax_wan: String,
    pub expected_jobs: String,
    pub owner: String,
    pub remarks: String,
}

/// Splits a list typed as "亿元以上、省督办" or "a, b; c" into trimmed, distinct items. ('|' is
/// a separator too because lists are stored as `|a|b|`.)
pub fn split_list(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for item in text.split(['、', ',', '，', ';', '；', '|']) {
        let item = clean_name(item);
        if !item.is_empty() && !items.contains(&item) {
            items.push(item);
        }
    }
    items
}

fn opt_text(text: &str) -> Option<String> {
    let t = clean_name(text);
    (!t.is_empty()).then_some(t)
}

impl ProjectInput {
    /// Parses every field, collecting all problems instead of stopping at the first.
    pub fn parse(&self) -> Result<ProjectFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err =
            |field: Field, message: Bilingual| errors.push(FieldError::new(field, message));

        let mut fields = ProjectFields {
            code: opt_text(&self.code),
            name: clean_name(&self.name),
            category: opt_text(&self.category),
            tags: split_list(&self.tags),
            industry: opt_text(&self.industry),
            linked_leader: opt_text(&self.linked_leader),
            service_officer: opt_text(&self.service_officer),
            content: opt_text(&self.content),
            location: opt_text(&self.location),
            funding_sources: split_list(&self.funding_sources),
            owner: opt_text(&self.owner),
            remarks: opt_text(&self.remarks),
            ..ProjectFields::default()
        };

        if let Some(t) = opt_text(&self.stage) {
            match Stage::parse(&t) {
                Some(s) => fields.stage = Some(s),
                None => err(
                    Field::Stage,
                    bi(
                        format!("未知的项目阶段“{t}”"),
                        format!("unknown stage “{t}”"),
                    ),
                ),
            }
        }
        if let Some(t) = opt_text(&self.level) {
            match Level::parse(&t) {
                Some(l) => fields.level = Some(l),
                None => err(
                    Field::Level,
                    bi(
                        format!("未知的项目级别“{t}”"),
                        format!("unknown level “{t}”"),
                    ),
                ),
            }
        }
        for (field, text, slot) in [
            (Field::Region, &self.region_id, &mut fields.region_id),
            (Field::Unit, &self.unit_id, &mut fields.unit_id),
            (
                Field::LeadDepartment,
                &self.lead_department_id,
                &mut fields.lead_department_id,
            ),
        ] {
            if let Some(t) = opt_text(text) {
                match t.parse::<i64>() {
                    Ok(id) if id > 0 => *slot = Some(id),
                    _ => err(
                        field,
                        bi(format!("无效的选择“{t}”"), format!("invalid choice “{t}”")),
                    ),
                }
            }
        }
        for (field, text, slot) in [
            (
                Field::TotalInvestment,
                &self.total_investment_wan,
                &mut fields.total_investment,
            ),
            (
                Field::AnnualPlan,
                &self.annual_plan_wan,
                &mut fields.annual_plan,
            ),
            (
                Field::ExpectedOutput,
                &self.expected_output_wan,
                &mut fields.expected_output,
            ),
            (
                Field::ExpectedTax,
                &self.expected_tax_wan,
                &mut fields.expected_tax,
            ),
        ] {
            match Money::parse(text, AmountUnit::Wan) {
                Ok(m) => *slot = m,
                Err(e) => err(field, e),
            }
        }
        match crate::phases::PlanPhases::parse(&self.plan_phases) {
            Ok(phases) => fields.plan_phases = phases,
            Err(e) => err(Field::PlanPhases, e),
        }
        if let Some(t) = opt_text(&self.plan_year) {
            match t.trim_end_matches('年').parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => fields.plan_year = Some(y),
                _ => err(
                    Field::PlanYear,
                    bi(
                        format!("“{t}”不是有效年份"),
                        format!("“{t}” is not a valid year"),
                    ),
                ),
            }
        }
        if let Some(t) = opt_text(&self.expected_jobs) {
            match crate::text::normalize_number_text(&t)
                .trim_end_matches('人')
                .parse::<i64>()
            {
                Ok(n) => fields.expected_jobs = Some(n),
                _ => err(
                    Field::ExpectedJobs,
                    bi(
                        format!("“{t}”不是有效人数"),
                        format!("“{t}” is not a whole number of people"),
                    ),
                ),
            }
        }
        match parse_span(&self.period) {
            Ok(Some((s, e))) => {
                fields.period_start = Some(s);
                fields.period_end = Some(e);
            }
            Ok(None) => {}
            Err(e) => err(Field::Period, e),
        }
        for (field, text, slot) in [
            (
                Field::PlannedStart,
                &self.planned_start,
                &mut fields.planned_start,
            ),
            (
                Field::PlannedCompletion,
                &self.planned_completion,
                &mut fields.planned_completion,
            ),
            (
                Field::PlannedProduction,
                &self.planned_production,
                &mut fields.planned_production,
            ),
            (
                Field::ActualStart,
                &self.actual_start,
                &mut fields.actual_start,
            ),
            (
                Field::ActualCompletion,
                &self.actual_completion,
                &mut fields.actual_completion,
            ),
            (
                Field::ActualProduction,
                &self.actual_production,
                &mut fields.actual_production,
            ),
        ] {
            match parse_date(text, Edge::Start) {
                Ok(d) => *slot = d,
                Err(e) => err(field, e),
            }
        }

        fields.plan_from_phases();
        let cross: Vec<FieldError> = fields
            .check()
            .into_iter()
            .filter(|e| !errors.iter().any(|x| x.field == e.field))
            .collect();
        errors.extend(cross);
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }

    /// The form pre-filled from stored fields, so an edit starts from what is there.
    pub fn from_fields(f: &ProjectFields) -> ProjectInput {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let wan = |v: Option<Money>| v.map(Money::wan_string).unwrap_or_default();
        let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        ProjectInput {
            code: opt(&f.code),
            name: f.name.clone(),
            category: opt(&f.category),
            stage: f.stage.map(|s| s.code().to_string()).unwrap_or_default(),
            level: f.level.map(|s| s.code().to_string()).unwrap_or_default(),
            tags: f.tags.join("、"),
            industry: opt(&f.industry),
            region_id: f.region_id.map(|i| i.to_string()).unwrap_or_default(),
            unit_id: f.unit_id.map(|i| i.to_string()).unwrap_or_default(),
            lead_department_id: f
                .lead_department_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
            linked_leader: opt(&f.linked_leader),
            service_officer: opt(&f.service_officer),
            content: opt(&f.content),
            total_investment_wan: wan(f.total_investment),
            annual_plan_wan: wan(f.annual_plan),
            plan_phases: f.display_value(Field::PlanPhases),
            plan_year: f.plan_year.map(|y| y.to_string()).unwrap_or_default(),
            period: f.display_value(Field::Period),
            planned_start: date(f.planned_start),
            planned_completion: date(f.planned_completion),
            planned_production: date(f.planned_production),
            actual_start: date(f.actual_start),
            actual_completion: date(f.actual_completion),
            actual_production: date(f.actual_production),
            location: opt(&f.location),
            funding_sources: f.funding_sources.join("、"),
            expected_output_wan: wan(f.expected_output),
            expected_tax_wan: wan(f.expected_tax),
            expected_jobs: f.expected_jobs.map(|j| j.to_string()).unwrap_or_default(),
            owner: opt(&f.owner),
            remarks: opt(&f.remarks),
        }
    }
}

/// Reports an error for a field as a bilingual message, for callers outside this module.
pub fn field_error(field: Field, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(field, bi(zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> ProjectInput {
        ProjectInput {
            name: name.into(),
            ..ProjectInput::default()
        }
    }

    #[test]
    fn parses_a_full_form() {
        let form = ProjectInput {
            code: " FQ-2025-001 ".into(),
            stage: "在建".into(),
            level: "省重点".into(),
            tags: "亿元以上、省督办,亿元以上".into(),
            total_investment_wan: "120,000".into(),
            annual_plan_wan: "３０００".into(),
            period: "2024-2026".into(),
            planned_start: "2024年3月".into(),
            expected_jobs: "300人".into(),
            ..input("福清核电配套产业园")
        };
        let f = form.parse().unwrap();
        assert_eq!(f.code.as_deref(), Some("FQ-2025-001"));
        assert_eq!(f.stage, Some(Stage::UnderConstruction));
        assert_eq!(f.level, Some(Level::Provincial));
        assert_eq!(f.tags, vec!["亿元以上", "省督办"]);
        assert_eq!(f.total_investment, Some(Money::from_wan(120_000)));
        assert_eq!(f.annual_plan, Some(Money::from_wan(3000)));
        assert_eq!(f.expected_jobs, Some(300));
        assert_eq!(ProjectInput::from_fields(&f).parse().unwrap(), f);
    }

    #[test]
    fn collects_every_error_with_its_field() {
        let form = ProjectInput {
            stage: "开挖".into(),
            total_investment_wan: "-5".into(),
            annual_plan_wan: "abc".into(),
            planned_start: "2025-13".into(),
            ..input("  ")
        };
        let errors = form.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "stage",
                "annual_plan_wan",
                "planned_start",
                "name",
                "total_investment_wan"
            ]
        );
        assert!(
            errors
                .iter()
                .all(|e| !e.message_zh.is_empty() && !e.message_en.is_empty())
        );
    }

    #[test]
    fn annual_plan_cannot_exceed_total() {
        let form = ProjectInput {
            total_investment_wan: "100".into(),
            annual_plan_wan: "200".into(),
            ..input("x")
        };
        assert_eq!(form.parse().unwrap_err()[0].field, "annual_plan_wan");
    }

    #[test]
    fn stages_read_their_aliases() {
        assert_eq!(Stage::parse("续建"), Some(Stage::UnderConstruction));
        assert_eq!(Stage::parse("新开工"), Some(Stage::ToStart));
        assert_eq!(Stage::parse("in_production"), Some(Stage::InProduction));
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.label_zh()), Some(*s));
            assert_eq!(Stage::parse(s.code()), Some(*s));
        }
    }
}
