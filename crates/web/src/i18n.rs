//! The interface in 简体中文 (default) and English.
//!
//! A zh/en key table is all the product needs (no plurals, no genders), so it is a static table
//! instead of a message-format engine; a test checks every key the templates use is here.

use axum::http::{HeaderMap, Uri};
use domain::Lang;

/// (key, 简体中文, English)
const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "攻坚", "gongjian"),
    (
        "app.title",
        "重点项目攻坚行动平台",
        "Key-project campaign platform",
    ),
    ("nav.ledger", "项目台账", "Ledger"),
    ("nav.new", "新增项目", "New project"),
    ("nav.export", "导出Excel", "Export .xlsx"),
    ("nav.logout", "退出登录", "Sign out"),
    ("nav.api", "接口文档", "API"),
    ("nav.approvals", "审批要件", "Approvals"),
    ("nav.status", "进度亮灯", "Lights"),
    ("status.title", "序时进度与亮灯", "Progress and lights"),
    ("status.as_of", "截至日期", "As of"),
    ("status.expected", "序时进度", "Expected by now"),
    ("status.red", "红灯", "Red"),
    ("status.yellow", "黄灯", "Yellow"),
    ("status.green", "绿灯", "Green"),
    ("status.unrated", "不考核", "Not rated"),
    ("status.ranking", "责任单位排名", "Units ranked"),
    ("status.rank", "排名", "Rank"),
    ("status.projects", "项目数", "Projects"),
    ("status.rate", "完成率", "Rate"),
    ("status.light", "亮灯", "Light"),
    ("status.score", "得分", "Score"),
    ("status.double_half", "双过半", "Both past half"),
    ("status.strong_start", "开门红", "Strong Q1"),
    ("status.lagging", "滞后项目", "Lagging projects"),
    ("status.ytd", "累计完成（万元）", "Year to date (10k yuan)"),
    ("status.plan", "年度计划（万元）", "Annual plan (10k yuan)"),
    ("status.why", "原因", "Why"),
    ("status.indicators", "得分构成", "How the score is made"),
    ("status.indicator", "指标", "Indicator"),
    ("status.weight", "权重", "Weight"),
    ("status.value", "指标值（%）", "Value (%)"),
    ("status.basis", "计算依据", "Basis"),
    ("status.points", "得分", "Points"),
    ("status.unit_projects", "项目明细", "Projects"),
    ("nav.reports", "月报填报", "Reports"),
    ("nav.problems", "问题专单", "Problems"),
    ("nav.agenda", "周例会议程", "Weekly agenda"),
    ("problems.title", "问题专单", "Problems"),
    ("problems.show", "显示", "Show"),
    (
        "problems.show_open",
        "未办结（待办、办理中）",
        "Open (open, in progress)",
    ),
    (
        "problems.show_resolved",
        "已解决待销号",
        "Resolved, awaiting close-off",
    ),
    ("problems.show_closed", "已销号", "Closed off"),
    ("problems.show_all", "全部", "All"),
    ("problems.open", "未办结", "Open"),
    ("problems.overdue", "逾期", "Overdue"),
    (
        "problems.at_meeting",
        "上周例会及以上",
        "At the weekly meeting or above",
    ),
    ("problems.problem", "存在问题", "Problem"),
    ("problems.deadline", "办理时限", "Deadline"),
    ("problems.status", "办理状态", "Status"),
    ("problems.level", "层级", "Level"),
    ("problems.raised_level", "提出时", "raised at"),
    (
        "problems.overdue_days",
        "逾期工作日",
        "Working days overdue",
    ),
    (
        "problems.none",
        "没有符合条件的问题。",
        "No problems match.",
    ),
    ("problems.category", "问题类别", "Category"),
    ("problems.co_units", "协办单位", "Co-handling units"),
    ("problems.raised_on", "提出时间", "Raised on"),
    ("problems.workdays", "个工作日", "working days"),
    ("problems.description", "问题描述", "Description"),
    ("problems.resolution", "办理结果", "Resolution"),
    ("problems.act", "办理", "Handle"),
    ("problems.reason", "原因", "Reason"),
    ("problems.steps", "办理记录", "Steps"),
    ("problems.step", "操作", "Step"),
    ("problems.raise", "提出问题", "Raise a problem"),
    (
        "problems.project_unit",
        "（项目责任单位）",
        "(the project's unit)",
    ),
    (
        "problems.deadline_hint",
        "填写日期（如 2025-10-10），或工作日数（如 10）",
        "a date (e.g. 2025-10-10) or a number of working days (e.g. 10)",
    ),
    ("problems.level1", "责任单位", "responsible unit"),
    ("problems.level2", "牵头部门", "task lead department"),
    ("problems.level3", "周例会", "weekly meeting"),
    ("problems.level4", "专题研究/市领导", "city leaders"),
    ("agenda.title", "周例会议程", "Weekly meeting agenda"),
    ("agenda.kind", "类别", "Kind"),
    ("agenda.item", "事项", "Item"),
    ("agenda.detail", "情况", "Details"),
    (
        "agenda.none",
        "本次例会没有上会事项。",
        "Nothing to discuss at this meeting.",
    ),
    ("agenda.problem", "上会问题", "Problem"),
    ("agenda.red", "红灯项目", "Red project"),
    ("agenda.decision", "议定事项", "Decision"),
    ("nav.rankings", "亮晒排名", "Rankings"),
    ("nav.dashboard", "总览", "Overview"),
    ("nav.campaign", "攻坚行动", "Campaign"),
    ("campaign.new", "新建攻坚行动", "New campaign"),
    ("campaign.settings", "行动设置", "Settings"),
    ("campaign.name", "行动名称", "Name"),
    ("campaign.theme", "主题", "Theme"),
    ("campaign.time", "时间", "Time"),
    ("campaign.year", "全年", "Calendar year"),
    ("campaign.fixed", "固定时段", "Fixed window"),
    ("campaign.start", "开始日期", "Start"),
    ("campaign.end", "结束日期", "End"),
    ("campaign.cadence", "报送周期", "Reporting"),
    ("campaign.monthly", "月报", "Monthly"),
    (
        "campaign.ten_daily",
        "旬报（上旬、中旬、下旬）",
        "Ten-daily",
    ),
    (
        "campaign.yellow",
        "黄灯：滞后序时进度（百分点）≥",
        "Yellow from (points behind)",
    ),
    (
        "campaign.red",
        "红灯：滞后序时进度（百分点）>",
        "Red above (points behind)",
    ),
    (
        "campaign.start_months",
        "开工红灯：逾期月数 ≥",
        "Start lamp red after (months late)",
    ),
    (
        "campaign.weights",
        "评分权重（0 表示不计）",
        "Score weights (0 leaves one out)",
    ),
    ("campaign.create", "创建攻坚行动", "Create the campaign"),
    ("campaign.tasks", "重点任务", "Key tasks"),
    ("campaign.task", "任务", "Task"),
    ("campaign.lead", "牵头单位", "Lead department"),
    ("campaign.delete", "删除", "Delete"),
    ("campaign.add_task", "添加任务", "Add task"),
    ("campaign.targets", "目标责任分解", "Targets by unit"),
    ("campaign.starts", "开工（个）", "To start"),
    ("campaign.completions", "竣工（个）", "To complete"),
    ("campaign.productions", "投产（个）", "Into production"),
    (
        "campaign.investment",
        "完成投资（万元）",
        "Investment (10k yuan)",
    ),
    (
        "campaign.targets_hint",
        "每格：目标，其后为截至日期的完成数 / 目标（完成比例）。开工：本行动期内实际开工，或计划开工项目报告已开工；投资：本行动期内已提交、已通过报告的完成投资之和。",
        "Each cell: the target, then done / target (share) as of the date. Started: actual start within the campaign, or a to-start project reported started; investment: the sum of submitted and approved reports within the campaign.",
    ),
    ("campaign.save_targets", "保存目标", "Save targets"),
    (
        "campaign.bad_count",
        "应为非负整数",
        "must be a whole number ≥ 0",
    ),
    (
        "campaign.negative",
        "完成投资目标不能为负数",
        "the investment target cannot be negative",
    ),
    ("dashboard.title", "项目攻坚总览", "Campaign overview"),
    ("dashboard.print", "打印", "Print"),
    ("dashboard.projects", "项目总数", "Projects"),
    ("dashboard.rated", "纳入考核", "rated"),
    ("dashboard.plan", "年度计划投资", "Annual plan"),
    ("dashboard.ytd", "累计完成投资", "Completed this year"),
    ("dashboard.yi", "亿元", "100 million yuan"),
    ("dashboard.yes", "已实现", "Yes"),
    ("dashboard.pending", "一季度未结束", "Q1 not over"),
    (
        "dashboard.units_strong_start",
        "一季度完成年度计划25%的单位",
        "units at 25% by March",
    ),
    ("dashboard.no", "未实现", "Not yet"),
    (
        "dashboard.units_double_half",
        "实现双过半的单位",
        "units past both halves",
    ),
    (
        "dashboard.by_month",
        "月度完成投资与计划",
        "Investment by month against plan",
    ),
    ("dashboard.lights", "项目亮灯", "Lights"),
    (
        "dashboard.lagging",
        "滞后最多的项目",
        "Most lagging projects",
    ),
    ("rankings.title", "责任单位亮晒排名", "Unit rankings"),
    ("rankings.published", "已发布", "Published"),
    ("rankings.regions", "区域排名", "Regions ranked"),
    ("rankings.region", "区域", "Region"),
    ("rankings.rev_suffix", "版", ""),
    ("rankings.note", "更正说明", "Reason for revision"),
    (
        "rankings.note_hint",
        "如：某镇5月数据更正",
        "e.g. a town's May figures corrected",
    ),
    (
        "rankings.superseded",
        "这是较早的版本，已被更正版取代",
        "An earlier revision, superseded by a later one",
    ),
    ("rankings.revisions", "各版本", "Revisions"),
    (
        "rankings.unpublished",
        "本月排名（实时数据，尚未发布）",
        "This month (live figures, not yet published)",
    ),
    (
        "rankings.changed",
        "数据已变化：当前实时排名与已发布版本不同",
        "Figures changed since publication: the live ranking differs",
    ),
    ("rankings.publish", "发布排名", "Publish"),
    ("rankings.republish", "发布更正版", "Publish a revision"),
    (
        "rankings.publish_hint",
        "发布后该表冻结，之后的数据更正只能以新版本发布",
        "Publishing freezes the table; later corrections become a new revision",
    ),
    ("reports.title", "月报填报与审核", "Reports and review"),
    ("reports.suffix", "项目进度报告", " progress reports"),
    ("reports.period", "报送期", "Period"),
    ("reports.deadline", "报送截止", "Due"),
    ("reports.due", "应报", "Due"),
    ("reports.total", "合计", "Total"),
    ("reports.late", "逾期", "Late"),
    ("reports.state", "状态", "State"),
    ("reports.state.submitted", "待审核", "Submitted"),
    ("reports.state.approved", "已通过", "Approved"),
    ("reports.state.draft", "暂存", "Draft"),
    ("reports.state.returned", "已退回", "Returned"),
    ("reports.state.missing", "未报", "Not reported"),
    (
        "reports.previous",
        "上期累计（万元）",
        "Previous YTD (10k yuan)",
    ),
    (
        "reports.completed",
        "本期完成（万元）",
        "This period (10k yuan)",
    ),
    ("reports.ytd", "累计完成（万元）", "Year to date (10k yuan)"),
    ("reports.started", "已开工", "Started"),
    ("reports.actual_start", "实际开工", "Actual start"),
    ("reports.progress", "形象进度", "Progress on site"),
    ("reports.problems", "存在问题", "Problems"),
    ("reports.revision", "第", "rev. "),
    ("reports.return_reason", "退回原因", "Reason returned"),
    (
        "reports.reason_hint",
        "已锁定，更正须填原因",
        "Locked: give a reason to correct",
    ),
    (
        "reports.hint",
        "本期完成与累计完成填一项即可，另一项按上期累计自动推算",
        "Give the period's amount or the year to date; the other is derived from the previous period",
    ),
    ("reports.save", "暂存", "Save draft"),
    ("reports.submit", "提交审核", "Submit for review"),
    ("reports.review", "审核", "Review"),
    (
        "reports.review_hint",
        "勾选左侧待审核的报告后通过或退回；退回须填写原因",
        "Tick submitted reports on the left, then approve or return them; a return needs a reason",
    ),
    ("reports.approve", "审核通过", "Approve"),
    ("reports.return", "退回", "Return"),
    ("reports.pick", "选择", "Pick"),
    ("reports.photos", "照片", "Photos"),
    ("photos.title", "形象进度照片", " photos"),
    (
        "photos.none",
        "本期还没有照片",
        "no photo for this period yet",
    ),
    ("photos.choose", "选择照片", "Choose a photo"),
    ("photos.upload", "上传", "Upload"),
    (
        "photos.limits",
        "JPEG、PNG 或 WebP，每张不超过 5 MB，每份报告最多张数：",
        "JPEG, PNG or WebP, up to 5 MB each; photos per report at most: ",
    ),
    ("reports.pick_all", "全选待审核", "Tick all submitted"),
    (
        "reports.pick_none",
        "请先勾选要审核的报告",
        "tick the reports to review first",
    ),
    (
        "reports.nothing",
        "没有需要保存的修改",
        "nothing changed to save",
    ),
    (
        "reports.none",
        "本单位本期没有需要报送的项目",
        "no project of this unit reports this period",
    ),
    ("reports.saved", "已暂存", "Saved as draft"),
    (
        "reports.submitted",
        "已提交，等待总牵头单位审核",
        "Submitted for the lead office's review",
    ),
    (
        "reports.approved",
        "已审核通过并锁定",
        "Approved and locked",
    ),
    ("reports.returned", "已退回责任单位", "Returned to the unit"),
    ("reports.history", "月报记录", "Reports"),
    ("reports.replaced", "更正前", "Before correction"),
    ("reports.events", "流转记录", "Steps"),
    ("reports.step.save", "暂存", "saved a draft"),
    ("reports.step.submit", "提交", "submitted"),
    ("reports.step.approve", "审核通过", "approved"),
    ("reports.step.return", "退回", "returned"),
    ("reports.step.revise", "更正", "corrected"),
    ("reports.step.other", "操作", "acted"),
    ("reports.step.photo", "上传照片", "added a photo"),
    ("approval.title", "审批计划", "Approval plan"),
    (
        "approval.none",
        "该项目还没有审批计划。选择模板和开始日期，按默认工期生成各审批环节的计划日期。",
        "This project has no approval plan yet. Pick a template and a start date to plan every node with default durations.",
    ),
    ("approval.template", "审批模板", "Template"),
    ("approval.start", "计划开始", "Start"),
    ("approval.create", "生成审批计划", "Create plan"),
    ("approval.parallel", "并联审批完成", "Parallel finish"),
    ("approval.serial", "逐项串联完成", "Serial finish"),
    ("approval.saved", "模拟审批节省", "Saved by 模拟审批"),
    ("approval.workdays", "个工作日", "working days"),
    ("approval.critical_path", "关键路径", "Critical path"),
    ("approval.critical", "关键环节", "critical"),
    ("approval.normal", "非关键环节", "with slack"),
    ("approval.overdue", "逾期", "overdue"),
    ("approval.day_off", "休息日", "day off"),
    ("approval.holiday", "法定节假日", "public holiday"),
    ("approval.today", "今天", "today"),
    ("approval.node", "审批环节", "Node"),
    ("approval.node_name", "环节名称", "Node name"),
    ("approval.key", "环节代码", "Key"),
    ("approval.key_hint", "留空则用环节名称", "blank: the name"),
    ("approval.department", "审批部门", "Department"),
    (
        "approval.duration",
        "工期（工作日）",
        "Duration (working days)",
    ),
    ("approval.after", "前置环节", "Waits for"),
    ("approval.slack", "机动时间", "Slack"),
    ("approval.planned", "计划起止", "Planned"),
    ("approval.actual", "实际起止", "Actual"),
    ("approval.document", "批复文号", "Approval no."),
    ("approval.edit", "修改", "Edit"),
    ("approval.add", "增加环节", "Add a node"),
    ("approval.delete", "删除此环节", "Delete this node"),
    ("approval.dates", "计划与实际", "Planned and actual"),
    ("approval.planned_start", "计划开始", "Planned start"),
    ("approval.planned_finish", "计划办结", "Planned finish"),
    ("approval.actual_start", "实际开始", "Actual start"),
    ("approval.actual_finish", "实际办结", "Actual finish"),
    ("due.title", "待办审批要件", "Approvals due"),
    ("due.days", "未来工作日数", "Next working days"),
    ("due.today", "今天", "Today"),
    ("due.until", "截至", "until"),
    ("due.bulletin", "半月通报", "Half-month bulletin"),
    ("bulletin.title", "前期要件办理通报", "Pre-work bulletin"),
    ("bulletin.from", "自", "From"),
    ("bulletin.to", "至", "To"),
    ("bulletin.none", "无", "None"),
    ("due.nodes", "个要件待办结", "nodes due"),
    ("due.of_which_overdue", "其中逾期", "overdue"),
    (
        "due.empty",
        "这段时间没有待办结的审批要件",
        "Nothing due in this period",
    ),
    ("due.overdue_days", "逾期工作日", "Working days overdue"),
    ("lang.switch", "English", "中文"),
    ("login.title", "登录", "Sign in"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    (
        "login.failed",
        "用户名或密码错误",
        "Wrong username or password",
    ),
    (
        "login.hint",
        "演示账号：admin / gongjian-demo",
        "Demo login: admin / gongjian-demo",
    ),
    ("ledger.title", "项目台账", "Project ledger"),
    (
        "ledger.search",
        "搜索项目名称、建设内容或编号",
        "Search name, content or code",
    ),
    ("ledger.filter", "筛选", "Filter"),
    ("ledger.reset", "重置", "Reset"),
    ("ledger.all", "全部", "All"),
    ("ledger.total", "共", "Total"),
    ("ledger.projects", "个项目", "projects"),
    ("ledger.sum_total", "总投资合计", "Total investment"),
    ("ledger.min", "总投资不低于（万元）", "Total ≥ (10k yuan)"),
    ("ledger.max", "总投资不高于（万元）", "Total ≤ (10k yuan)"),
    ("ledger.empty", "没有符合条件的项目", "No project matches"),
    ("ledger.prev", "上一页", "Previous"),
    ("ledger.next", "下一页", "Next"),
    ("ledger.page", "页", "page"),
    ("ledger.per_page", "每页", "Per page"),
    ("col.code", "编号", "Code"),
    ("col.name", "项目名称", "Name"),
    ("col.stage", "阶段", "Stage"),
    ("col.level", "级别", "Level"),
    ("col.unit", "责任单位", "Responsible unit"),
    ("col.lead", "牵头单位", "Lead department"),
    ("col.region", "区域", "Region"),
    ("col.industry", "产业", "Industry"),
    ("col.tag", "标签", "Tag"),
    ("col.total", "总投资（万元）", "Total (10k yuan)"),
    ("col.plan", "年度计划投资（万元）", "Annual plan (10k yuan)"),
    ("col.start", "计划开工时间", "Planned start"),
    ("project.edit", "编辑", "Edit"),
    ("project.history", "变更记录", "Change history"),
    ("project.no_history", "暂无变更", "No changes yet"),
    ("project.version", "版本", "Version"),
    ("project.updated", "最后修改", "Last changed"),
    ("project.created", "新增项目", "Created"),
    ("history.at", "时间", "When"),
    ("history.who", "修改人", "Who"),
    ("history.field", "字段", "Field"),
    ("history.change", "原值 → 新值", "Old → new"),
    ("history.source", "来源", "Source"),
    ("source.web", "网页", "web"),
    ("source.api", "接口", "API"),
    ("source.import", "Excel导入", "Excel import"),
    ("source.seed", "演示数据", "demo data"),
    ("group.basic", "基本信息", "Basics"),
    ("group.responsibility", "责任体系", "Responsibility"),
    ("group.investment", "投资与资金", "Investment and funding"),
    ("group.content", "建设内容", "Construction"),
    ("group.schedule", "时间节点", "Dates"),
    ("group.benefit", "预期效益", "Expected benefits"),
    ("group.other", "其他", "Other"),
    ("form.new", "新增项目", "New project"),
    ("form.edit", "编辑项目", "Edit project"),
    ("form.save", "保存", "Save"),
    ("form.cancel", "取消", "Cancel"),
    ("form.required", "必填", "required"),
    ("form.choose", "请选择", "Choose"),
    (
        "form.errors",
        "请修改标红的字段后再保存",
        "Please correct the fields marked in red",
    ),
    (
        "form.conflict",
        "修改冲突：该项目已被他人修改，您的修改尚未保存。请打开最新版本核对后重新填写。",
        "Conflict: someone else changed this project; your edit was not saved. Open the latest version and apply your change again.",
    ),
    (
        "form.conflict_link",
        "查看最新版本",
        "Open the latest version",
    ),
    (
        "form.list_hint",
        "多个用顿号“、”分隔",
        "Separate several with “、” or commas",
    ),
    (
        "form.date_hint",
        "如 2025-03-15 或 2025年3月",
        "e.g. 2025-03-15 or 2025-03",
    ),
    (
        "form.period_hint",
        "如 2024-2026 或 2025.3-2027.12",
        "e.g. 2024-2026 or 2025.3-2027.12",
    ),
    (
        "form.readonly",
        "您的角色只能查看台账",
        "Your role may only read the ledger",
    ),
    ("error.title", "出错了", "Something went wrong"),
    ("error.back", "返回台账", "Back to the ledger"),
];

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> &'static str {
        match MESSAGES.iter().find(|(k, _, _)| *k == key) {
            Some((_, zh, en)) => match self.lang {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "??",
        }
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.code()
    }
}

pub const LANG_COOKIE: &str = "gongjian_lang";

/// The language chosen with `?lang=en|zh`, else by the cookie, else 简体中文.
pub fn lang_of(headers: &HeaderMap, uri: &Uri) -> Lang {
    let from_query = uri.query().and_then(|q| {
        q.split('&').find_map(|kv| match kv {
            "lang=en" => Some(Lang::En),
            "lang=zh" | "lang=zh-CN" => Some(Lang::Zh),
            _ => None,
        })
    });
    from_query.unwrap_or_else(
        || match crate::auth::cookie(headers, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_used_by_a_template_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("tr.t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                assert!(
                    MESSAGES.iter().any(|(k, _, _)| *k == key),
                    "missing message {key}"
                );
            }
        }
        let mut keys: Vec<&str> = MESSAGES.iter().map(|m| m.0).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), MESSAGES.len(), "duplicate keys");
    }
}
