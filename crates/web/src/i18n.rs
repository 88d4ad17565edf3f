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
    ("done.project_created", "已新增项目", "Project created"),
    (
        "done.password_changed",
        "已修改密码，其他设备上的登录已退出",
        "Password changed; sign-ins on other devices have ended",
    ),
    ("account.password", "修改密码", "Change password"),
    (
        "setup.title",
        "首次使用：创建系统管理员",
        "First start: create the administrator",
    ),
    (
        "setup.hint",
        "本链接只能使用一次。系统管理员随后可添加其他用户。",
        "This link works once. The administrator then adds the other users.",
    ),
    ("setup.unit", "所在单位", "Unit"),
    ("setup.name", "姓名", "Name"),
    ("setup.submit", "创建并登录", "Create and sign in"),
    (
        "done.setup",
        "系统管理员已创建，欢迎使用",
        "The administrator is created: welcome",
    ),
    (
        "account.must_change",
        "管理员为您设置了临时密码，请先设置自己的密码再继续使用。",
        "An administrator set a temporary password for you: set one of your own to go on.",
    ),
    ("account.current", "当前密码", "Current password"),
    ("account.new", "新密码", "New password"),
    ("account.repeat", "再次输入新密码", "New password again"),
    (
        "account.rule",
        "至少 10 位，不能与用户名相同，不能是常见密码",
        "At least 10 characters, not the username, not a common password",
    ),
    ("account.save", "修改密码", "Change password"),
    ("done.project_saved", "已保存修改", "Changes saved"),
    (
        "done.plan_created",
        "已按模板生成审批计划",
        "Approval plan created from the template",
    ),
    (
        "done.node_saved",
        "已保存审批节点，计划已重新推算",
        "Approval step saved; the plan is scheduled again",
    ),
    (
        "done.node_deleted",
        "已删除审批节点，计划已重新推算",
        "Approval step deleted; the plan is scheduled again",
    ),
    ("done.tasks_saved", "已保存重点任务", "Key tasks saved"),
    ("done.targets_saved", "已保存目标任务", "Targets saved"),
    (
        "done.project_targets_saved",
        "已保存 {n} 个项目的考核目标",
        "Targets of {n} projects saved",
    ),
    ("done.team_saved", "已更新工作专班", "Project team updated"),
    (
        "done.visit_logged",
        "已记录服务走访",
        "Service visit logged",
    ),
    (
        "done.service_team_saved",
        "已保存服务专班",
        "Service team saved",
    ),
    (
        "done.assigned",
        "已批量指定 {n} 个项目",
        "{n} projects assigned",
    ),
    (
        "done.meeting_saved",
        "已保存会议纪要，议定事项 {n} 项已交办",
        "Minutes saved; {n} decisions handed out",
    ),
    ("done.decision_closed", "已销号", "Closed off"),
    (
        "done.progress_recorded",
        "已报送落实情况",
        "Progress reported",
    ),
    ("meetings.progress", "落实情况", "Progress"),
    ("problems.by", "办理人", "By"),
    ("meetings.pick_agenda", "本周议程", "This week's agenda"),
    (
        "meetings.pick_problems",
        "该项目待解决问题",
        "The project's open problems",
    ),
    (
        "meetings.pick_hint",
        "点击一项即加入议定事项，责任单位已预填",
        "Click an item to add it as a decision, its owner preset",
    ),
    (
        "meetings.pick_none",
        "议程中没有问题",
        "Nothing on the agenda",
    ),
    ("meetings.pick_open", "查看", "open"),
    (
        "meetings.progress_hint",
        "填写落实进展",
        "How it is being carried out",
    ),
    ("meetings.progress_save", "报送", "Report"),
    ("done.problem_raised", "已提交问题", "Problem raised"),
    (
        "done.problem_acted",
        "已办理，问题状态已更新",
        "Done; the problem's state is updated",
    ),
    ("done.note_added", "已添加进展情况", "Progress note added"),
    ("done.attachment_added", "已上传附件", "Attachment uploaded"),
    (
        "done.attachment_removed",
        "已删除附件",
        "Attachment removed",
    ),
    (
        "done.published",
        "已发布排名（第{n}版）",
        "Ranking published (revision {n})",
    ),
    ("nav.menu", "菜单", "Menu"),
    (
        "rankings.confirm",
        "发布后排名即冻结并向各单位公开，之后的变化只能以更正版发布。确认发布？",
        "Publishing freezes the ranking for every unit to see; later changes are published as a corrected revision. Publish now?",
    ),
    ("nav.group.ledger", "台账", "Ledger"),
    ("nav.group.reports", "填报审核", "Reports"),
    ("nav.group.dispatch", "调度", "Dispatch"),
    ("nav.group.rankings", "排名与报告", "Rankings"),
    ("nav.group.admin", "管理", "Settings"),
    ("nav.review", "填报审核", "Review reports"),
    ("nav.adjustments", "计划调整", "Plan changes"),
    ("nav.meetings", "会议纪要", "Minutes"),
    ("nav.calendar", "工作日历", "Working days"),
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
    (
        "reports.requested",
        "更正申请已提交，待总牵头单位审核；审核前仍以已审核数据为准",
        "Correction requested: the lead office decides; the approved figures count until then",
    ),
    (
        "reports.correction_decided",
        "已处理更正申请",
        "Correction request decided",
    ),
    (
        "reports.correction_pending",
        "更正申请待审核",
        "Correction awaiting review",
    ),
    (
        "reports.correction_approve",
        "批准更正",
        "Approve the correction",
    ),
    ("reports.flag", "异常提示", "Check"),
    (
        "reports.to_correct",
        "录入或更正本单位报表",
        "Enter or correct this unit's figures",
    ),
    ("reports.to_review", "返回审核", "Back to the review"),
    ("reports.approve_picked", "批准所选", "Approve the ticked"),
    ("reports.return_picked", "退回所选", "Return the ticked"),
    (
        "reports.shared_reason",
        "退回原因（各行未填时适用）",
        "Reason for any row without its own",
    ),
    ("reports.row_reason", "退回原因", "Reason to return"),
    ("reports.halted", "停工", "halted"),
    ("agenda.red_list", "查看红灯清单", "See the red lights"),
    ("dashboard.start_rate", "开工率", "Start rate"),
    ("dashboard.production_rate", "投产率", "production rate"),
    ("dashboard.resumption_rate", "复工率", "resumption rate"),
    ("status.unrated", "不考核", "Not rated"),
    ("status.weighted", "按计划加权", "weighted by plan"),
    ("status.not_due", "未到考核期", "Not yet due"),
    ("status.ranking", "责任单位排名", "Units ranked"),
    ("status.rank", "排名", "Rank"),
    ("status.projects", "项目数", "Projects"),
    ("status.rate", "完成率", "Rate"),
    ("status.light", "亮灯", "Light"),
    ("status.score", "得分", "Score"),
    ("status.double_half", "双过半", "Both past half"),
    ("status.strong_start", "开门红", "Strong Q1"),
    ("status.lagging", "滞后项目", "Lagging projects"),
    ("status.gap", "投资缺口（万元）", "Behind by (10k yuan)"),
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
    ("problems.remark", "说明", "Remarks"),
    (
        "problems.co_units_hint",
        "单位全称，多个用“、”分隔",
        "full unit names, separated by 、 or commas",
    ),
    (
        "problems.new_deadline",
        "新办理时限（可不填）",
        "new deadline (optional)",
    ),
    ("problems.notes", "进展情况", "Progress"),
    (
        "problems.note_hint",
        "本次协调推进情况，如“已召开现场协调会，明确10月底前完成线路迁改”",
        "what has happened, e.g. a site meeting agreed to move the line by the end of October",
    ),
    ("problems.add_note", "添加进展", "Add a note"),
    ("agenda.due", "完成时限", "Due"),
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
    (
        "agenda.pack",
        "下载会议材料（Word）",
        "Meeting pack (.docx)",
    ),
    ("nav.todo", "我的待办", "My to-do"),
    ("todo.title", "我的待办", "My to-do"),
    ("todo.do", "待办理", "To do"),
    ("todo.overdue", "已逾期", "overdue"),
    ("todo.none", "暂无待办事项。", "Nothing waits on you."),
    ("todo.problem", "问题", "Problem"),
    ("todo.reports", "月报", "Reports"),
    (
        "todo.reports_missing",
        "未报送项目",
        "projects not reported",
    ),
    ("todo.reports_review", "待审核", "to review"),
    ("todo.approval", "审批要件", "Approval"),
    (
        "meetings.title",
        "会议纪要与议定事项",
        "Minutes and decisions",
    ),
    ("meetings.new", "记录会议纪要", "Record the minutes"),
    (
        "meetings.default_title",
        "重点项目攻坚周例会",
        "Weekly key-project meeting",
    ),
    ("meetings.held_on", "会议日期", "Held on"),
    ("meetings.name", "会议名称", "Meeting"),
    ("meetings.minutes", "会议纪要", "Minutes"),
    ("meetings.decisions", "议定事项", "Decisions"),
    ("meetings.decision", "议定事项", "Decision"),
    ("meetings.owner", "责任单位", "Owner"),
    ("meetings.done", "落实情况", "Carried out"),
    ("meetings.close", "落实销号", "Close off"),
    ("meetings.close_note", "落实情况", "How it was done"),
    (
        "meetings.rows_hint",
        "每行一项议定事项，须填责任单位和完成时限；不填内容的行不保存。",
        "One decision a row, each with an owner and a deadline; rows left empty are not saved.",
    ),
    ("meetings.save", "保存会议纪要", "Save the minutes"),
    ("meetings.none", "还没有会议纪要。", "No minutes yet."),
    ("meetings.pick_unit", "请选择", "Choose"),
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
        "campaign.over_plan",
        "异常提示：累计超年度计划倍数",
        "Flag: year to date above the annual plan ×",
    ),
    (
        "campaign.spike",
        "异常提示：单期超此前平均倍数",
        "Flag: a period above the earlier average ×",
    ),
    (
        "campaign.project_targets",
        "项目攻坚目标",
        "Targets per project",
    ),
    (
        "campaign.project_targets_hint",
        "每行一个项目：项目编号或名称，再填攻坚期目标投资（万元），可直接从 Excel 粘贴两列；未填的项目按年度计划 × 攻坚天数 / 全年天数考核",
        "One project a line: its code or name, then its target within the window (10k yuan); two columns pasted from Excel work. A project without one is judged on its annual plan × window days / days in the year",
    ),
    (
        "campaign.save_project_targets",
        "保存项目目标",
        "Save project targets",
    ),
    (
        "rankings.live_figures",
        "查看实时数据",
        "See the live figures",
    ),
    (
        "rankings.as_published",
        "以下为发布时的数据（项目的计划、累计完成、序时进度、灯色和所依据的月报版本），此后的更正不影响本版。",
        "The figures as published: each project's plan, year to date, own schedule share, light and the report versions they came from. Later corrections do not change this revision.",
    ),
    (
        "rankings.no_frozen",
        "本版发布时未保存项目明细，请查看实时数据。",
        "This revision was published before project lines were kept with it; see the live figures.",
    ),
    ("rankings.reports_used", "所依据的报表", "Reports used"),
    (
        "campaign.phased_plan",
        "按分月计划计算序时进度（台账有分月或分季计划的项目按计划累计额考核）",
        "Judge by the plan's monthly or quarterly breakdown where the ledger has one",
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
    ("adjust.title", "申请计划调整", "Ask for a plan adjustment"),
    (
        "adjust.hint",
        "年度计划投资、总投资、计划开竣工时间和项目阶段是考核依据，由总牵头单位修改；本单位可在此申请调整并说明理由，批准前考核仍按原数值。",
        "The annual plan, total investment, planned start and completion and stage are what units are judged on and are changed by the lead office; ask for an adjustment here with the reason. Until it is approved, the figures stand.",
    ),
    ("adjust.now", "现为", "now"),
    ("adjust.reason", "调整理由", "Reason"),
    ("adjust.file", "提交申请", "File the request"),
    (
        "adjust.requests",
        "本项目的调整申请",
        "This project's requests",
    ),
    ("adjust.list", "计划调整申请", "Plan adjustments"),
    ("adjust.none", "暂无计划调整申请。", "No plan adjustments."),
    ("adjust.changes", "申请调整", "Asked"),
    ("adjust.status", "状态", "Status"),
    ("adjust.requested", "申请人", "Filed by"),
    ("adjust.decided", "审核", "Decision"),
    (
        "adjust.note",
        "审核意见（退回必填）",
        "Note (required to return)",
    ),
    ("adjust.approve", "批准", "Approve"),
    ("adjust.return", "退回", "Return"),
    ("source.plan_adjustment", "计划调整", "plan adjustment"),
    ("source.carry_over", "年度结转", "carried over"),
    ("campaign.all", "各年度攻坚行动", "Campaigns by year"),
    (
        "campaign.next",
        "开启新年度攻坚行动",
        "Start the campaign of",
    ),
    (
        "campaign.next_hint",
        "复制本年度的重点任务、亮灯规则、评分办法和填报频次，新年度的时间按年顺延；未竣工项目结转为续建，年度计划清空，待导入新年度台账后填入（本年计划按年度保存，本年的亮灯、排名和已发布榜单不变）。各单位目标需重新分解。",
        "Copies this year's key tasks, light rules, scoring and cadence, with the time moved on by a year; unfinished projects are carried over (续建) with their annual plans cleared until the new year's ledger sheet gives them (this year's plans are kept by year, so this year's lights, rankings and published lists stay as they are). Unit targets are set anew.",
    ),
    (
        "campaign.next_confirm",
        "确定开启新年度攻坚行动并结转未竣工项目？",
        "Start the new year's campaign and carry the unfinished projects over?",
    ),
    ("calendar.title", "工作日日历", "Working-day calendar"),
    ("calendar.years", "年份", "Years"),
    ("calendar.provisional", "暂定", "provisional"),
    (
        "calendar.official",
        "正式（国务院办公厅通知）",
        "official (State Council notice)",
    ),
    ("calendar.workdays", "工作日", "working days"),
    (
        "calendar.provisional_hint",
        "本年尚未导入国务院办公厅的节假日安排通知：放假日按《全国年节及纪念日放假办法》推算（含周末补假），不含调休上班日。以此计算的日期和期限都标有“暂定”；通知发布后请在下方粘贴导入，所有日期随即按正式日历重算。",
        "This year's State Council holiday notice is not imported yet: the days off follow from the statutory rules (with days given back for weekends), without make-up workdays. Dates and deadlines computed from it are marked provisional; once the notice is out, paste it below and everything is computed again on the official calendar.",
    ),
    ("calendar.off", "放假", "Day off"),
    ("calendar.makeup", "调休上班", "Make-up workday"),
    ("calendar.weekend", "周末", "Weekend"),
    ("calendar.list", "节假日明细", "Holidays listed"),
    ("calendar.date", "日期", "Date"),
    ("calendar.name", "节日", "Holiday"),
    (
        "calendar.import",
        "导入节假日安排",
        "Import holiday arrangements",
    ),
    (
        "calendar.import_hint",
        "把国务院办公厅《关于某年部分节假日安排的通知》全文（含标题）粘贴进来，或上传 holiday-cn 格式的 JSON 文件；先预览，确认后才保存。",
        "Paste the State Council's notice on the year's holiday arrangements with its title, or upload a holiday-cn JSON file; it is previewed first and stored only when you confirm.",
    ),
    ("calendar.paste", "通知全文", "The notice's text"),
    ("calendar.file", "或上传 JSON 文件", "Or upload a JSON file"),
    ("calendar.check", "预览", "Preview"),
    (
        "calendar.preview",
        "预览（尚未保存）",
        "Preview (not stored yet)",
    ),
    ("calendar.read", "读出", "Read"),
    (
        "calendar.replaces_provisional",
        "确认后替换该年的暂定日历。",
        "Confirming replaces the year's provisional calendar.",
    ),
    (
        "calendar.replaces_official",
        "确认后替换该年已导入的安排。",
        "Confirming replaces the year's arrangements imported before.",
    ),
    (
        "calendar.no_change",
        "与现有日历相比没有变化。",
        "No day changes against the calendar now.",
    ),
    ("calendar.changes", "变化的日期", "Days changed"),
    ("calendar.before", "原来", "Before"),
    ("calendar.after", "导入后", "After"),
    ("calendar.confirm", "确认导入", "Import"),
    ("calendar.cancel", "取消", "Cancel"),
    ("calendar.history", "导入记录", "Imports"),
    ("calendar.at", "时间", "When"),
    ("calendar.who", "操作人", "Who"),
    ("calendar.year", "年份", "Year"),
    ("calendar.source", "来源", "Source"),
    (
        "calendar.mark",
        "按暂定日历计算（尚未导入该年的节假日安排通知）",
        "computed on a provisional calendar (the year's holiday notice is not imported yet)",
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
        "dashboard.half_pending",
        "时间未过半",
        "Half the year not yet passed",
    ),
    ("approval.es", "最早开始", "Earliest start"),
    ("approval.ef", "最早完成", "Earliest finish"),
    (
        "dashboard.units_strong_start",
        "一季度完成年度计划25%的单位",
        "units at 25% by March",
    ),
    ("dashboard.no", "未实现", "Not met"),
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
        "JPEG、PNG 或 WebP，每张不超过 5 MB，每份报告最多 {n} 张",
        "JPEG, PNG or WebP, up to 5 MB each; at most {n} photos per report",
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
    (
        "reports.step.recompute",
        "累计重算",
        "year to date recomputed",
    ),
    (
        "reports.step.confirm",
        "确认上期更正",
        "confirmed the recomputed figures",
    ),
    ("reports.step.request", "申请更正", "asked for a correction"),
    (
        "reports.step.request_returned",
        "退回更正申请",
        "returned the correction request",
    ),
    (
        "reports.prior_corrected",
        "上期已更正",
        "Earlier period corrected",
    ),
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
        "form.phases_hint",
        "可不填；如 1月 100、2月 150 …（12个月）或 一季度 500、二季度 800 …（4个季度），合计等于年度计划",
        "Optional: 1月 100、2月 150 … (12 months) or 一季度 500 … (4 quarters), adding up to the annual plan",
    ),
    (
        "form.readonly",
        "您的角色只能查看台账",
        "Your role may only read the ledger",
    ),
    ("error.title", "出错了", "Something went wrong"),
    ("error.back", "返回首页", "Back to the start page"),
    ("nav.service", "一月一提升", "Monthly push"),
    ("dossier.title", "5专档案", "Dossier"),
    ("dossier.open", "5专档案", "Dossier"),
    ("dossier.project", "项目详情", "Project"),
    ("dossier.print", "打印", "Print"),
    ("dossier.linked_leader", "包联领导", "Linked leader"),
    (
        "dossier.service_officer",
        "首席服务官",
        "Chief service officer",
    ),
    ("dossier.team", "工作专班", "Work team"),
    (
        "dossier.no_team",
        "尚未组建工作专班。",
        "No task force yet.",
    ),
    ("dossier.member", "姓名", "Name"),
    ("dossier.role", "专班职务", "Role"),
    ("dossier.workplace", "工作单位", "Works at"),
    ("dossier.phone", "联系电话", "Phone"),
    ("dossier.remove", "移出", "Remove"),
    ("dossier.add_member", "添加成员", "Add a member"),
    ("dossier.plan", "推进专案", "Plan"),
    (
        "dossier.annual_plan",
        "年度计划投资（万元）",
        "Annual plan (10k yuan)",
    ),
    ("dossier.planned_start", "计划开工", "Planned start"),
    (
        "dossier.planned_completion",
        "计划竣工",
        "Planned completion",
    ),
    ("dossier.milestones", "审批节点", "Approval milestones"),
    (
        "dossier.no_milestones",
        "尚未编制审批计划。",
        "No approval plan yet.",
    ),
    ("dossier.milestone", "节点", "Milestone"),
    ("dossier.department", "办理部门", "Department"),
    ("dossier.planned_finish", "计划办结", "Planned"),
    ("dossier.actual_finish", "实际办结", "Done"),
    (
        "dossier.meetings",
        "专题研究及会议议定事项",
        "Meetings and decisions on it",
    ),
    (
        "dossier.hold_meeting",
        "记录专题研究",
        "Record a meeting on it",
    ),
    (
        "dossier.no_meetings",
        "尚无研究该项目的会议。",
        "No meeting has discussed this project.",
    ),
    ("dossier.special", "专题研究", "Dedicated meeting"),
    ("dossier.progress", "进展专报", "Progress report"),
    ("dossier.report_problems", "存在问题", "Problems reported"),
    (
        "dossier.no_report",
        "尚无已报送的进展。",
        "No progress reported yet.",
    ),
    (
        "assign.title",
        "批量指定包联领导/首席服务官",
        "Assign linked leaders and service officers",
    ),
    ("assign.done", "已更新", "Updated"),
    ("assign.done_after", "个项目", "projects"),
    (
        "assign.hint",
        "勾选项目，填写包联领导和/或首席服务官：留空的一项不变，勾选“清空”则清除该项。",
        "Tick projects and give a linked leader and/or a service officer: a blank field stays as it is, “clear” empties it.",
    ),
    ("assign.clear", "清空", "clear"),
    ("assign.save", "指定", "Assign"),
    (
        "assign.more",
        "只列出前 500 个项目，请按单位或关键词缩小范围。",
        "Only the first 500 projects are listed; narrow by unit or words.",
    ),
    ("assign.all", "全选", "All"),
    ("service.title", "一月一提升", "Monthly service push"),
    (
        "service.hint",
        "红灯、黄灯项目每月组建服务队，上门走访，记录发现的问题和承诺事项。",
        "Every red or yellow project gets a service team each month, which visits and records what it found and promised.",
    ),
    ("service.lagging", "滞后项目", "Lagging"),
    ("service.unvisited", "本月未走访", "Not visited this month"),
    ("service.with_team", "已组建服务队", "With a team"),
    (
        "service.none",
        "本月没有红灯、黄灯项目。",
        "No red or yellow project this month.",
    ),
    ("service.team", "服务队", "Service team"),
    ("service.no_team", "未组建", "none yet"),
    ("service.leader", "队长", "Leader"),
    ("service.members", "成员", "Members"),
    ("service.set_team", "组建/调整服务队", "Set the team"),
    ("service.save", "保存", "Save"),
    ("service.by_unit", "各单位情况", "By unit"),
    ("service.visits", "走访记录", "Visits"),
    ("service.no_visits", "尚无走访记录。", "No visits yet."),
    ("service.not_visited", "本月未走访", "Not visited"),
    ("service.visited_on", "走访日期", "Visited on"),
    ("service.visitors", "走访人员", "Visitors"),
    ("service.found", "发现的问题和情况", "Found"),
    ("service.promised", "承诺事项", "Promised"),
    ("service.log_visit", "记录走访", "Log the visit"),
    ("meetings.kind", "会议类型", "Kind"),
    ("meetings.special_on", "专题研究项目", "Project discussed"),
    ("todo.escalations", "升级提醒", "Escalation notices"),
    ("todo.risen_to", "已升至", "Now at"),
    ("todo.since", "升级日期", "Since"),
    ("problems.attachments", "附件", "Attachments"),
    ("problems.no_attachments", "暂无附件。", "No attachments."),
    ("problems.attach", "上传附件", "Attach"),
    ("problems.remove_attachment", "删除", "Remove"),
    (
        "problems.attach_hint",
        "图片、PDF、Word 或 Excel，每个不超过",
        "Image, PDF, Word or Excel, each at most",
    ),
    ("source.assign", "批量指定", "bulk assignment"),
];

/// Translations for one request, and what the action before it did (shown once, at the top
/// of the page: [`crate::layout::done`]).
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
    pub flash: Option<Flash>,
}

/// What the last action did: a message of the table, with `{n}` standing for `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flash {
    pub key: &'static str,
    pub n: Option<i64>,
}

impl Flash {
    /// As a cookie keeps it: `key` or `key:n`.
    pub fn encode(&self) -> String {
        match self.n {
            Some(n) => format!("{}:{n}", self.key),
            None => self.key.to_string(),
        }
    }

    /// Reads a cookie's value; a key the table does not hold is no message (so a forged cookie
    /// shows nothing).
    pub fn decode(text: &str) -> Option<Flash> {
        let (key, n) = match text.split_once(':') {
            Some((key, n)) => (key, Some(n.parse::<i64>().ok()?)),
            None => (text, None),
        };
        let key = MESSAGES
            .iter()
            .find(|(k, _, _)| *k == key && k.starts_with("done."))?
            .0;
        Some(Flash { key, n })
    }
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang, flash: None }
    }

    /// The message of the action before this page, if any.
    pub fn flash_text(&self) -> Option<String> {
        let flash = self.flash?;
        let text = self.t(flash.key);
        Some(match flash.n {
            Some(n) => text.replace("{n}", &n.to_string()),
            None => text.to_string(),
        })
    }

    pub fn t(&self, key: &str) -> &'static str {
        match MESSAGES.iter().find(|(k, _, _)| *k == key) {
            Some((_, zh, en)) => match self.lang {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "??",
        }
    }

    /// The navigation `user` sees ([`crate::layout::nav`]).
    pub fn nav(&self, user: &store::SessionUser) -> Vec<crate::layout::NavGroup> {
        crate::layout::nav(user, *self)
    }

    /// A role's name.
    pub fn role(&self, role: &domain::Role) -> &'static str {
        role.label(self.lang)
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
