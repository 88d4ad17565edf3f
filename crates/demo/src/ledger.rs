//! Deterministic demo and synthetic ledgers (台账).
//!
//! [`demo_campaign`] is 福清市's 2025 项目攻坚行动 as its 发改局 would keep it: the county-level
//! city (GB/T 2260 350181) with its 7 streets and 17 towns, four parks, three state firms, the
//! departments that lead the key tasks, one user per role, and 701 projects whose names, stages,
//! dates, sizes and funding look like the ledgers the seed articles describe. [`campaign`] is the
//! same generator at any size, for benchmarks.
//!
//! Everything comes from one `ChaCha8Rng` seed and uses only integer arithmetic and basic IEEE
//! float operations (no `ln`/`exp`), so the same `(projects, seed)` gives the same ledger on
//! every platform.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, TimeDelta};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use domain::money::Money;
use domain::project::{Level, ProjectFields, Stage};
use domain::unit::{Role, UnitKind};
use store::{SeedLedger, SeedProject, SeedRegion, SeedUnit, SeedUser};

/// A whole campaign: regions, units, users and the project ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCampaign {
    /// "福清市2025年项目攻坚行动".
    pub name: String,
    pub theme: String,
    pub year: i32,
    /// Its regions, units, users and projects, as `Store::seed_ledger` writes them.
    pub ledger: SeedLedger,
}

pub const DEMO_SEED: u64 = 2025;
/// 福清 2025 had 701 projects in its campaign.
pub const DEMO_PROJECTS: usize = 701;
/// The campaign year of every generated ledger.
pub const DEMO_YEAR: i32 = 2025;

/// The demo's one date: the end of June, its latest reported month. Reports, deadlines,
/// to-dos, problems, approvals and their plans all stand on it.
pub fn demo_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(DEMO_YEAR, 6, 30).unwrap_or_default()
}

/// The demo: 福清市's 2025 campaign with 701 projects.
pub fn demo_campaign() -> DemoCampaign {
    campaign(DEMO_PROJECTS, DEMO_SEED)
}

/// The demo generator at any size: the same county, units and users, and `projects` projects
/// with the demo's proportions of stages and sizes. Deterministic in `(projects, seed)`.
pub fn campaign(projects: usize, seed: u64) -> DemoCampaign {
    let year = DEMO_YEAR;
    let mut generator = Generator::new(seed, year, projects);
    let projects = generator.projects(projects);
    DemoCampaign {
        name: format!("{COUNTY}{year}年项目攻坚行动"),
        theme: "奋勇争先落实年".to_string(),
        year,
        ledger: SeedLedger {
            regions: regions(),
            units: units(),
            users: users(),
            projects,
        },
    }
}

/// The campaign's key tasks (重点任务) and the department that leads each, by unit name.
pub fn key_tasks() -> Vec<(&'static str, &'static str)> {
    [
        ("抓项目谋划生成，滚动储备一批大项目好项目", U_FGJ),
        ("抓前期要件办理，推行模拟审批、并联审批", U_XFZX),
        ("抓计划开工项目按期开工", U_ZJJ),
        ("抓工业项目竣工投产、技改提升", U_GXJ),
        ("抓招商项目签约落地", U_SWJ),
        ("抓用地用海要素保障", U_ZGJ),
        ("抓环评审批和生态环境保障", U_STHJ),
        ("抓交通水利基础设施项目", U_JTJ),
    ]
    .into_iter()
    .map(|(task, unit)| (task, DEPARTMENTS[unit].0))
    .collect()
}

// ---------------------------------------------------------------------------------------------
// The county: regions, units, users, people.

const COUNTY: &str = "福清市";
const COUNTY_CODE: &str = "350181";

/// 福清市's streets (街道, the first seven) and towns (镇). Region index = position + 1.
const TOWNS: [&str; 24] = [
    "玉屏街道",
    "龙山街道",
    "龙江街道",
    "宏路街道",
    "石竹街道",
    "音西街道",
    "阳下街道",
    "海口镇",
    "城头镇",
    "南岭镇",
    "龙田镇",
    "江镜镇",
    "港头镇",
    "高山镇",
    "沙埔镇",
    "三山镇",
    "东瀚镇",
    "渔溪镇",
    "上迳镇",
    "新厝镇",
    "江阴镇",
    "东张镇",
    "镜洋镇",
    "一都镇",
];

const T_LONGJIANG: usize = 2;
const T_HONGLU: usize = 3;
const T_YINXI: usize = 5;
const T_YANGXIA: usize = 6;
const T_CHENGTOU: usize = 8;
const T_LONGTIAN: usize = 10;
const T_YUXI: usize = 17;
const T_JIANGYIN: usize = 20;

const ALL_TOWNS: [usize; 24] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
];
const STREETS: [usize; 7] = [0, 1, 2, 3, 4, 5, 6];
const RURAL: [usize; 17] = [
    7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
];
/// Streets and towns the 龙江 runs through.
const LONGJIANG_TOWNS: [usize; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 21, 22];
const COASTAL: [usize; 11] = [7, 8, 10, 11, 12, 13, 14, 15, 16, 19, 20];
const INDUSTRIAL_TOWNS: [usize; 8] = [10, 12, 11, 7, 8, 3, 6, 9];
const FOOD_TOWNS: [usize; 7] = [7, 8, 10, 11, 13, 14, 15];

/// Departments (部门): (full name, the short name officials use).
const DEPARTMENTS: [(&str, &str); 12] = [
    ("福清市发展和改革局", "发改局"),
    ("福清市商务局", "商务局"),
    ("福清市工业和信息化局", "工信局"),
    ("福清市住房和城乡建设局", "住建局"),
    ("福清市自然资源和规划局", "自然资源和规划局"),
    ("福清市交通运输局", "交通运输局"),
    ("福清市水利局", "水利局"),
    ("福清市行政服务中心", "行政服务中心"),
    ("福州市福清生态环境局", "生态环境局"),
    ("福清市农业农村局", "农业农村局"),
    ("福清市财政局", "财政局"),
    ("福清市人民政府办公室", "市政府办"),
];

const U_FGJ: usize = 0;
const U_SWJ: usize = 1;
const U_GXJ: usize = 2;
const U_ZJJ: usize = 3;
const U_ZGJ: usize = 4;
const U_JTJ: usize = 5;
const U_SLJ: usize = 6;
const U_XFZX: usize = 7;
const U_STHJ: usize = 8;
const U_NYJ: usize = 9;
const U_ZFB: usize = 11;

/// Parks (园区): (unit name, the name used in project names, the towns it spans).
const PARKS: [(&str, &str, &[usize]); 4] = [
    (
        "福清融侨经济技术开发区管委会",
        "融侨开发区",
        &[T_HONGLU, T_YINXI, T_LONGJIANG],
    ),
    ("江阴港城经济区管委会", "江阴港城经济区", &[T_JIANGYIN, 19]),
    ("元洪投资区管委会", "元洪投资区", &[T_CHENGTOU, 7]),
    (
        "福清高新技术产业开发区管委会",
        "福清高新区",
        &[T_YANGXIA, T_LONGTIAN],
    ),
];

const U_PARK0: usize = DEPARTMENTS.len();
const U_RQ: usize = U_PARK0;
const U_JY: usize = U_PARK0 + 1;
const U_YH: usize = U_PARK0 + 2;
const U_GX: usize = U_PARK0 + 3;
const U_TOWN0: usize = U_PARK0 + PARKS.len();
const U_SOE0: usize = U_TOWN0 + TOWNS.len();

/// 市属国企.
const STATE_FIRMS: [&str; 3] = [
    "福清市城市建设投资控股集团有限公司",
    "福清市国有资产营运投资集团有限公司",
    "福清市交通投资集团有限公司",
];

const U_CT: usize = U_SOE0;
const U_GZ: usize = U_SOE0 + 1;
const U_JT: usize = U_SOE0 + 2;

const fn town_unit(town: usize) -> usize {
    U_TOWN0 + town
}

const fn town_region(town: usize) -> usize {
    town + 1
}

/// 包联领导, most senior first.
const LEADERS: [&str; 11] = [
    "俞书记",
    "何市长",
    "林常委",
    "陈副市长",
    "王常委",
    "郑副市长",
    "黄常委",
    "吴副市长",
    "张副市长",
    "刘常委",
    "杨副市长",
];

/// 首席服务官 by department (same order as [`DEPARTMENTS`]).
const OFFICERS: [&[&str]; 10] = [
    &["王建华", "方晓东", "林美华"],
    &["陈志强", "何丽娟"],
    &["黄丽萍", "郭振宇"],
    &["郑文杰", "薛明"],
    &["吴建平", "翁晓燕"],
    &["吴海峰", "潘立新"],
    &["张丽华"],
    &["刘晓东", "俞婷"],
    &["李国强"],
    &["施建国", "严秀芳"],
];

fn regions() -> Vec<SeedRegion> {
    let mut regions = vec![SeedRegion {
        name: COUNTY.to_string(),
        code: Some(COUNTY_CODE.to_string()),
        parent: None,
    }];
    regions.extend(TOWNS.iter().map(|t| SeedRegion {
        name: (*t).to_string(),
        code: None,
        parent: Some(0),
    }));
    regions
}

fn units() -> Vec<SeedUnit> {
    let unit = |name: &str, kind, region| SeedUnit {
        name: name.to_string(),
        kind,
        region: Some(region),
    };
    let mut units: Vec<SeedUnit> = DEPARTMENTS
        .iter()
        .map(|(name, _)| unit(name, UnitKind::Department, 0))
        .collect();
    units.extend(
        PARKS
            .iter()
            .map(|(name, _, towns)| unit(name, UnitKind::Park, town_region(towns[0]))),
    );
    units.extend(
        TOWNS
            .iter()
            .enumerate()
            .map(|(t, name)| unit(name, UnitKind::Town, town_region(t))),
    );
    units.extend(
        STATE_FIRMS
            .iter()
            .map(|name| unit(name, UnitKind::StateFirm, 0)),
    );
    units
}

fn users() -> Vec<SeedUser> {
    let user = |username: &str, display_name: &str, role, unit| SeedUser {
        username: username.to_string(),
        display_name: display_name.to_string(),
        role,
        unit,
    };
    vec![
        user("admin", "系统管理员", Role::Admin, U_FGJ),
        user("fgj", "林晓峰", Role::LeadOffice, U_FGJ),
        user("swj", "陈志强", Role::TaskLead, U_SWJ),
        user("gxj", "黄丽萍", Role::TaskLead, U_GXJ),
        user("zgj", "吴建平", Role::Support, U_ZGJ),
        user("sthj", "李国强", Role::Support, U_STHJ),
        user(
            "longtian",
            "林文辉",
            Role::Responsible,
            town_unit(T_LONGTIAN),
        ),
        user("jiangyin", "施永明", Role::Responsible, U_JY),
        user("chengtou", "何振东", Role::Responsible, U_CT),
        user("fwg", "王建华", Role::Linked, U_FGJ),
        user("leader", "何市长", Role::Leadership, U_ZFB),
    ]
}

// ---------------------------------------------------------------------------------------------
// Proportions: sizes and stages per 701 projects, as Fuqing's 2025 ledger.

/// Size bands in 万元, largest first: (from, below, projects per 701).
const BANDS: [(i64, i64, usize); 5] = [
    (1_000_000, 2_200_000, 5), // ≥ 100 亿元
    (200_000, 1_000_000, 22),  // 20–100 亿元
    (50_000, 200_000, 70),     // 5–20 亿元
    (10_000, 50_000, 320),     // 1–5 亿元
    (300, 10_000, 284),        // under 1 亿元
];

/// Stages per 701 projects (the seed: 191 to start, 77 to complete, 65 in pre-work …).
const STAGES: [(Stage, usize); 7] = [
    (Stage::Planning, 40),
    (Stage::PreWork, 65),
    (Stage::ToStart, 191),
    (Stage::UnderConstruction, 250),
    (Stage::ToComplete, 77),
    (Stage::Completed, 40),
    (Stage::InProduction, 38),
];

/// Splits `n` in proportion to `weights`, summing exactly to `n`.
fn apportion(n: usize, weights: &[usize]) -> Vec<usize> {
    let total: usize = weights.iter().sum::<usize>().max(1);
    let mut out = Vec::with_capacity(weights.len());
    let (mut cum, mut before) = (0usize, 0usize);
    for w in weights {
        cum += w;
        let upto = (n * cum * 2 + total) / (2 * total);
        out.push(upto - before);
        before = upto;
    }
    out
}

fn band_of(total_wan: i64) -> usize {
    BANDS
        .iter()
        .position(|(lo, _, _)| total_wan >= *lo)
        .unwrap_or(BANDS.len() - 1)
}

// ---------------------------------------------------------------------------------------------
// Project kinds: what a project is decides its name, category, owner, funding and lead.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Petrochem,
    NewEnergy,
    Food,
    Electronics,
    Equipment,
    Textile,
    Metallurgy,
    Pharma,
    Logistics,
    Tourism,
    Upgrade,
    Commerce,
    Port,
    Road,
    Energy,
    Water,
    ParkInfra,
    Urban,
    Education,
    Health,
    Welfare,
    Eco,
    Agri,
}

/// (kind, weight, smallest and largest total in 万元).
const KINDS: [(Kind, u32, i64, i64); 23] = [
    (Kind::Petrochem, 3, 50_000, 2_200_000),
    (Kind::NewEnergy, 4, 20_000, 1_600_000),
    (Kind::Food, 6, 3_000, 300_000),
    (Kind::Electronics, 5, 8_000, 800_000),
    (Kind::Equipment, 6, 3_000, 400_000),
    (Kind::Textile, 3, 8_000, 600_000),
    (Kind::Metallurgy, 1, 30_000, 1_200_000),
    (Kind::Pharma, 2, 5_000, 300_000),
    (Kind::Logistics, 3, 5_000, 300_000),
    (Kind::Tourism, 3, 2_000, 300_000),
    (Kind::Upgrade, 6, 1_000, 150_000),
    (Kind::Commerce, 2, 10_000, 300_000),
    (Kind::Port, 2, 20_000, 600_000),
    (Kind::Road, 7, 800, 1_800_000),
    (Kind::Energy, 3, 2_000, 1_500_000),
    (Kind::Water, 4, 800, 300_000),
    (Kind::ParkInfra, 4, 3_000, 300_000),
    (Kind::Urban, 7, 1_000, 600_000),
    (Kind::Education, 5, 800, 120_000),
    (Kind::Health, 3, 800, 200_000),
    (Kind::Welfare, 3, 500, 150_000),
    (Kind::Eco, 5, 300, 200_000),
    (Kind::Agri, 6, 300, 80_000),
];

impl Kind {
    fn category(self) -> &'static str {
        use Kind::*;
        match self {
            Petrochem | NewEnergy | Food | Electronics | Equipment | Textile | Metallurgy
            | Pharma | Logistics | Tourism | Upgrade | Commerce => "产业项目",
            Port | Road | Energy | Water | ParkInfra => "基础设施",
            Urban => "城市建设",
            Education | Health | Welfare => "社会民生",
            Eco => "生态环保",
            Agri => "农业农村",
        }
    }

    fn industry(self) -> Option<&'static str> {
        use Kind::*;
        Some(match self {
            Petrochem => "石油化工",
            NewEnergy => "新能源",
            Food => "食品加工",
            Electronics => "电子信息",
            Equipment => "装备制造",
            Textile => "纺织化纤",
            Metallurgy => "冶金",
            Pharma => "医药",
            Logistics => "现代物流",
            Tourism => "文旅康养",
            Upgrade => "装备制造",
            Commerce => "商贸服务",
            Port => "港口航运",
            Road => "交通",
            Energy => "能源",
            Water => "水利",
            Education => "教育",
            Health => "医疗卫生",
            Eco => "环保",
            Agri => "现代农业",
            ParkInfra | Urban | Welfare => return None,
        })
    }

    fn industrial(self) -> bool {
        self.category() == "产业项目"
    }

    /// Weight among the kinds that fit a size band; the largest band favours the heavy industries.
    fn weight_in(self, band: usize, base: u32) -> u32 {
        if band != 0 {
            return base;
        }
        match self {
            Kind::Petrochem | Kind::NewEnergy => 3,
            Kind::Road | Kind::Energy => 2,
            _ => 1,
        }
    }
}

/// Named projects from the seed articles and the brief, placed before the generated ones.
struct Flagship {
    name: &'static str,
    kind: Kind,
    total_wan: i64,
    stage: Stage,
    unit: usize,
    /// `None` for a county-wide project.
    town: Option<usize>,
    content: &'static str,
    owner: Option<&'static str>,
    industry: &'static str,
}

const FLAGSHIPS: [Flagship; 18] = [
    Flagship {
        name: "江阴LNG接收站项目",
        kind: Kind::Energy,
        total_wan: 1_260_000,
        stage: Stage::UnderConstruction,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "建设LNG专用码头1座、16万立方米储罐4座及气化外输设施，一期接收能力300万吨/年。",
        owner: Some("福建融清液化天然气有限公司"),
        industry: "能源",
    },
    Flagship {
        name: "万景氢能利用与全降解新材料项目（一期）",
        kind: Kind::Petrochem,
        total_wan: 1_150_000,
        stage: Stage::UnderConstruction,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "利用丙烷脱氢副产氢气，建设年产30万吨PBS类全降解塑料、12万吨1,4-丁二醇装置及配套公用工程。",
        owner: Some("福建万景新材料有限公司"),
        industry: "新材料",
    },
    Flagship {
        name: "万景石化年产90万吨丙烷脱氢制丙烯项目",
        kind: Kind::Petrochem,
        total_wan: 1_020_000,
        stage: Stage::ToComplete,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "建设90万吨/年丙烷脱氢装置、丙烷低温储罐区及码头配套设施，副产氢气综合利用。",
        owner: Some("福建万景石化有限公司"),
        industry: "石油化工",
    },
    Flagship {
        name: "中景石化年产110万吨丁辛醇项目",
        kind: Kind::Petrochem,
        total_wan: 1_000_000,
        stage: Stage::PreWork,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "用地约900亩，建设年产110万吨丁辛醇装置及配套合成气、罐区和公用工程设施。",
        owner: Some("福建中景石化有限公司"),
        industry: "石油化工",
    },
    Flagship {
        name: "福州至福清城际铁路福清段工程",
        kind: Kind::Road,
        total_wan: 1_600_000,
        stage: Stage::Planning,
        unit: U_JT,
        town: None,
        content: "线路自福州南站至福清西站，福清境内长约28公里，设车站6座，采用市域快线制式。",
        owner: None,
        industry: "交通",
    },
    Flagship {
        name: "融侨经济技术开发区高新技术产业园",
        kind: Kind::Electronics,
        total_wan: 320_000,
        stage: Stage::ToStart,
        unit: U_RQ,
        town: Some(T_HONGLU),
        content: "规划用地约1200亩，建设标准化厂房、研发中试基地及配套设施，重点引进光电显示、智能终端产业链企业。",
        owner: Some("福清融侨开发区建设发展有限公司"),
        industry: "电子信息",
    },
    Flagship {
        name: "中-印尼经贸创新发展示范园区食品产业园（二期）",
        kind: Kind::Food,
        total_wan: 260_000,
        stage: Stage::ToStart,
        unit: U_YH,
        town: Some(T_CHENGTOU),
        content: "用地约800亩，建设食品加工标准化厂房、冷链仓储中心及配套设施，承接东盟食品原料精深加工项目。",
        owner: Some("福清元洪投资区开发建设有限公司"),
        industry: "食品加工",
    },
    Flagship {
        name: "华电海上风电研究与试验检测基地",
        kind: Kind::NewEnergy,
        total_wan: 215_000,
        stage: Stage::ToComplete,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "建设海上风电装备研发中心、大功率风机传动链试验台及检测认证平台，总建筑面积约9万平方米。",
        owner: Some("华电（福建）风电有限公司"),
        industry: "新能源",
    },
    Flagship {
        name: "万华兴业新材料项目",
        kind: Kind::Petrochem,
        total_wan: 500_000,
        stage: Stage::PreWork,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "用地约650亩，建设年产40万吨聚氨酯新材料装置及配套罐区、公用工程。",
        owner: Some("福建万华兴业新材料有限公司"),
        industry: "新材料",
    },
    Flagship {
        name: "国能热电二期项目",
        kind: Kind::Upgrade,
        total_wan: 380_000,
        stage: Stage::UnderConstruction,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "扩建2台66万千瓦超超临界热电联产机组，配套建设供热管网及环保设施，同步实施智慧电厂改造。",
        owner: Some("国能（福州）热电有限公司"),
        industry: "能源",
    },
    Flagship {
        name: "中国（福清）新能源汽车零部件产业园",
        kind: Kind::NewEnergy,
        total_wan: 280_000,
        stage: Stage::UnderConstruction,
        unit: U_GX,
        town: Some(T_YANGXIA),
        content: "规划用地约1000亩，建设电驱电控、动力电池结构件、汽车电子等零部件生产厂房及公共检测平台。",
        owner: Some("福清高新区产业发展有限公司"),
        industry: "新能源",
    },
    Flagship {
        name: "亚通海洋养殖装备产业园",
        kind: Kind::Equipment,
        total_wan: 120_000,
        stage: Stage::PreWork,
        unit: U_YH,
        town: Some(T_CHENGTOU),
        content: "建设深远海养殖网箱、养殖工船配套装备生产基地及研发中心，总建筑面积约15万平方米。",
        owner: Some("福建亚通海洋装备有限公司"),
        industry: "装备制造",
    },
    Flagship {
        name: "辰美光学镜头产业园项目",
        kind: Kind::Electronics,
        total_wan: 80_000,
        stage: Stage::PreWork,
        unit: U_RQ,
        town: Some(T_YINXI),
        content: "总建筑面积约10万平方米，建设光学镜片、镜头及模组生产线，达产后年产光学镜头5000万颗。",
        owner: Some("福建辰美光学有限公司"),
        industry: "电子信息",
    },
    Flagship {
        name: "福清市第二医院迁建项目",
        kind: Kind::Health,
        total_wan: 98_000,
        stage: Stage::UnderConstruction,
        unit: U_CT,
        town: Some(T_LONGJIANG),
        content: "总建筑面积约16万平方米，设置床位1000张，建设门急诊医技楼、住院楼及后勤保障用房。",
        owner: Some("福清市第二医院"),
        industry: "医疗卫生",
    },
    Flagship {
        name: "江阴港区7号泊位工程",
        kind: Kind::Port,
        total_wan: 68_000,
        stage: Stage::UnderConstruction,
        unit: U_JY,
        town: Some(T_JIANGYIN),
        content: "新建10万吨级集装箱泊位1个，码头岸线长约350米，设计年通过能力60万标箱。",
        owner: Some("福清江阴港口发展有限公司"),
        industry: "港口航运",
    },
    Flagship {
        name: "融侨开发区智能装备制造项目",
        kind: Kind::Equipment,
        total_wan: 45_000,
        stage: Stage::ToStart,
        unit: U_RQ,
        town: Some(T_HONGLU),
        content: "总建筑面积约6万平方米，建设数控机床、工业机器人集成生产线及研发中心。",
        owner: Some("福建融侨智能装备有限公司"),
        industry: "装备制造",
    },
    Flagship {
        name: "龙田镇污水处理厂提标改造工程",
        kind: Kind::Eco,
        total_wan: 8_600,
        stage: Stage::ToStart,
        unit: town_unit(T_LONGTIAN),
        town: Some(T_LONGTIAN),
        content: "将日处理规模2万吨的污水处理厂出水标准由一级B提升至一级A，新建深度处理单元及配套管网。",
        owner: None,
        industry: "环保",
    },
    Flagship {
        name: "渔溪镇乡村振兴示范片区建设",
        kind: Kind::Agri,
        total_wan: 6_800,
        stage: Stage::UnderConstruction,
        unit: town_unit(T_YUXI),
        town: Some(T_YUXI),
        content: "围绕沿线5个行政村，实施人居环境整治、特色产业培育、村道及公共服务设施提升。",
        owner: None,
        industry: "现代农业",
    },
];

// ---------------------------------------------------------------------------------------------
// Word lists for names.

const BRAND_HEAD: [&str; 24] = [
    "融", "华", "恒", "鑫", "宏", "嘉", "瑞", "盛", "泰", "信", "永", "天", "金", "海", "中", "联",
    "东", "新", "博", "凯", "福", "祥", "兴", "明",
];
const BRAND_TAIL: [&str; 20] = [
    "达", "源", "隆", "昌", "丰", "润", "诚", "通", "宇", "辉", "翔", "业", "邦", "创", "力", "科",
    "晟", "荣", "安", "顺",
];

const VILLAGES: [&str; 40] = [
    "东营", "南宅", "后埔", "前洋", "塘头", "岭口", "溪头", "湖里", "港尾", "西林", "北林", "后安",
    "龙塘", "长安", "光明", "桥头", "南湾", "上郑", "下施", "东阁", "新华", "东郭", "前华", "虎溪",
    "石门", "山前", "沙堤", "双屿", "东进", "坑边", "牛宅", "官前", "林厝", "北山", "垅头", "湖滨",
    "东山", "渡里", "玉塘", "棋山",
];

const ROADS: [&str; 20] = [
    "清昌大道",
    "福厦路",
    "融城大道",
    "江阴大道",
    "元洪大道",
    "龙江路",
    "利桥街",
    "福唐路",
    "港城大道",
    "东环路",
    "西环路",
    "南环路",
    "北环路",
    "音西路",
    "宏路大道",
    "玉屏路",
    "石竹路",
    "龙山路",
    "元载路",
    "融侨大道",
];

/// No upper bound for a template's total.
const MAX: i64 = i64::MAX;

const CN_NUM: [&str; 12] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// Sectors of 技改 (智改数转) projects: (industry, word in the company name).
const UPGRADE_SECTORS: [(&str, &str); 8] = [
    ("食品加工", "食品"),
    ("纺织化纤", "纺织"),
    ("电子信息", "电子"),
    ("装备制造", "机械"),
    ("新材料", "新材料"),
    ("冶金", "金属制品"),
    ("医药", "药业"),
    ("新能源", "新能源"),
];

/// Remarks (备注) a clerk writes, by stage.
fn remarks_for(stage: Stage) -> &'static [&'static str] {
    match stage {
        Stage::Planning => &[
            "正在开展项目策划包装",
            "已纳入“十五五”规划储备",
            "正在对接意向投资方",
        ],
        Stage::PreWork => &[
            "用地报批中",
            "环评报告编制中",
            "可研报告已报审",
            "正在办理规划选址",
            "初步设计审查中",
        ],
        Stage::ToStart => &[
            "施工图审查中",
            "正在开展施工招标",
            "已完成征迁交地",
            "已具备开工条件",
        ],
        Stage::UnderConstruction => &[
            "主体结构施工中",
            "已完成桩基施工",
            "设备安装中",
            "室外配套工程施工中",
        ],
        Stage::ToComplete => &["装饰装修施工中", "设备调试中", "正在准备竣工验收"],
        Stage::Completed => &["已完成竣工验收", "正在办理竣工验收备案"],
        Stage::InProduction => &["已投产达效", "已投入使用", "产能逐步释放中"],
    }
}

/// "约12万平方米" / "约3.5万平方米" / "约8600平方米".
fn area_text(sqm: i64) -> String {
    if sqm >= 10_000 {
        let tenths = (sqm + 500) / 1000;
        if tenths % 10 == 0 {
            format!("约{}万平方米", tenths / 10)
        } else {
            format!("约{}.{}万平方米", tenths / 10, tenths % 10)
        }
    } else {
        format!("约{}平方米", ((sqm + 50) / 100).max(1) * 100)
    }
}

/// One decimal without a trailing ".0": 12 → "1.2" for tenths.
fn tenths_text(tenths: i64) -> String {
    let tenths = tenths.max(1);
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

fn short_town(town: usize) -> &'static str {
    let name = TOWNS[town];
    name.strip_suffix("街道")
        .or_else(|| name.strip_suffix('镇'))
        .unwrap_or(name)
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days))
        .unwrap_or(date)
}

// ---------------------------------------------------------------------------------------------
// The generator.

/// What a kind's name generator made.
struct Made {
    name: String,
    content: String,
    category: &'static str,
    industry: Option<&'static str>,
    owner: Option<String>,
    /// Unit and town, when the name fixes them (a scenic spot, a port).
    place: Option<(usize, usize)>,
    /// A county-wide project sits in the county, not in a town.
    county_wide: bool,
    /// A city facility ("福清市医院…") sits in the city's streets.
    central: bool,
}

impl Made {
    fn new(kind: Kind, name: String, content: String) -> Made {
        Made {
            name,
            content,
            category: kind.category(),
            industry: kind.industry(),
            owner: None,
            place: None,
            county_wide: false,
            central: false,
        }
    }

    fn owner(mut self, owner: String) -> Made {
        self.owner = Some(owner);
        self
    }

    fn industry(mut self, industry: &'static str) -> Made {
        self.industry = Some(industry);
        self
    }

    fn central(mut self) -> Made {
        self.central = true;
        self
    }

    fn county_wide(mut self) -> Made {
        self.county_wide = true;
        self
    }

    fn at(mut self, unit: usize, town: usize) -> Made {
        self.place = Some((unit, town));
        self
    }
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    band: usize,
    stage: Stage,
    flagship: Option<usize>,
}

struct Generator {
    rng: ChaCha8Rng,
    year: i32,
    /// Names taken, by [`name_key`].
    used_names: HashSet<u64>,
    /// The next suffix to try for a name already taken, so a popular name costs O(1).
    next_suffix: HashMap<u64, usize>,
    /// How many times a taken name is drawn again before a suffix is added: a few in a county's
    /// ledger, never in a synthetic ledger of many thousands (where names may repeat more).
    redraws: usize,
    /// Kinds eligible per band with their weights.
    band_kinds: Vec<Vec<(Kind, u32, i64, i64)>>,
    /// Their weights, for drawing one.
    band_weights: Vec<Vec<u32>>,
}

impl Generator {
    fn new(seed: u64, year: i32, projects: usize) -> Generator {
        let band_kinds: Vec<Vec<(Kind, u32, i64, i64)>> = BANDS
            .iter()
            .enumerate()
            .map(|(b, (lo, hi, _))| {
                KINDS
                    .iter()
                    .filter(|(_, _, kmin, kmax)| kmin < hi && kmax > lo)
                    .map(|&(k, w, kmin, kmax)| (k, k.weight_in(b, w), kmin.max(*lo), kmax.min(*hi)))
                    .collect()
            })
            .collect();
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            year,
            used_names: HashSet::with_capacity(projects + FLAGSHIPS.len()),
            next_suffix: HashMap::new(),
            redraws: if projects <= 5_000 { 6 } else { 0 },
            band_weights: band_kinds
                .iter()
                .map(|kinds| kinds.iter().map(|k| k.1).collect())
                .collect(),
            band_kinds,
        }
    }

    // --- random helpers -----------------------------------------------------------------------

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }

    /// A whole number in `lo..=hi` (`lo` when the range is empty).
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.rng.random_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// One of the templates whose range of totals (万元, from..below) holds `total`, at random;
    /// the first when none does.
    fn template(&mut self, total: i64, ranges: &[(i64, i64)]) -> usize {
        let fits = |r: &&(i64, i64)| (r.0..r.1).contains(&total);
        let count = ranges.iter().filter(fits).count();
        if count == 0 {
            return 0;
        }
        let k = self.int(0, count as i64 - 1) as usize;
        ranges
            .iter()
            .enumerate()
            .filter(|(_, r)| fits(r))
            .nth(k)
            .map_or(0, |(i, _)| i)
    }

    fn brand(&mut self) -> String {
        let head = self.pick(&BRAND_HEAD);
        let mut tail = self.pick(&BRAND_TAIL);
        if tail == head {
            tail = "源";
        }
        format!("{head}{tail}")
    }

    fn village(&mut self) -> &'static str {
        self.pick(&VILLAGES)
    }

    fn cn(&mut self, lo: usize, hi: usize) -> &'static str {
        CN_NUM[self.int(lo as i64, hi as i64) as usize - 1]
    }

    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = (to - from).num_days();
        if days <= 0 {
            from
        } else {
            add_days(from, self.int(0, days))
        }
    }

    /// Building area from a total in 万元 at `lo..hi` 元 per square metre.
    fn area(&mut self, total_wan: i64, lo: i64, hi: i64) -> String {
        let rate = self.int(lo, hi).max(1);
        area_text(total_wan * 10_000 / rate)
    }

    /// Land in 亩 from a total in 万元 at `lo..hi` 万元 per 亩 (投资强度).
    fn mu(&mut self, total_wan: i64, lo: i64, hi: i64) -> i64 {
        let intensity = self.int(lo, hi).max(1);
        (total_wan / intensity).max(10) / 10 * 10
    }

    // --- the ledger ---------------------------------------------------------------------------

    fn slots(&mut self, n: usize) -> Vec<Slot> {
        let mut bands = apportion(n, &BANDS.map(|b| b.2));
        let mut stages = apportion(n, &STAGES.map(|s| s.1));
        let mut slots = Vec::with_capacity(n);
        for (i, f) in FLAGSHIPS.iter().enumerate() {
            let band = band_of(f.total_wan);
            let Some(stage) = STAGES.iter().position(|s| s.0 == f.stage) else {
                continue;
            };
            if bands[band] > 0 && stages[stage] > 0 {
                bands[band] -= 1;
                stages[stage] -= 1;
                slots.push(Slot {
                    band,
                    stage: f.stage,
                    flagship: Some(i),
                });
                self.used_names.insert(name_key(f.name));
            }
        }
        let mut band_list: Vec<usize> = bands
            .iter()
            .enumerate()
            .flat_map(|(b, c)| std::iter::repeat_n(b, *c))
            .collect();
        let mut stage_list: Vec<Stage> = stages
            .iter()
            .enumerate()
            .flat_map(|(s, c)| std::iter::repeat_n(STAGES[s].0, *c))
            .collect();
        band_list.shuffle(&mut self.rng);
        stage_list.shuffle(&mut self.rng);
        slots.extend(
            band_list
                .into_iter()
                .zip(stage_list)
                .map(|(band, stage)| Slot {
                    band,
                    stage,
                    flagship: None,
                }),
        );
        slots.shuffle(&mut self.rng);
        slots
    }

    fn projects(&mut self, n: usize) -> Vec<SeedProject> {
        let width = n.to_string().len().max(4);
        let slots = self.slots(n);
        slots
            .into_iter()
            .enumerate()
            .map(|(i, slot)| self.project(i, width, slot))
            .collect()
    }

    fn project(&mut self, index: usize, width: usize, slot: Slot) -> SeedProject {
        let (kind, total_cents, unit, town, made) =
            match slot.flagship.and_then(|i| FLAGSHIPS.get(i)) {
                Some(f) => {
                    let made = Made {
                        name: f.name.to_string(),
                        content: f.content.to_string(),
                        category: f.kind.category(),
                        industry: Some(f.industry),
                        owner: f.owner.map(str::to_string),
                        place: None,
                        county_wide: f.town.is_none(),
                        central: false,
                    };
                    (
                        f.kind,
                        f.total_wan * 100,
                        f.unit,
                        f.town.unwrap_or(T_YINXI),
                        made,
                    )
                }
                None => {
                    let weights = std::mem::take(&mut self.band_weights[slot.band]);
                    let choice = self.weighted(&weights);
                    self.band_weights[slot.band] = weights;
                    let (kind, _, lo, hi) = self.band_kinds[slot.band][choice];
                    let total_cents = self.total(slot.band, lo, hi);
                    let (unit, town) = self.place(kind);
                    let mut made = self.make(kind, total_cents / 100, unit, town);
                    for _ in 0..self.redraws {
                        if !self.used_names.contains(&name_key(&made.name)) {
                            break;
                        }
                        made = self.make(kind, total_cents / 100, unit, town);
                    }
                    made.name = self.claim(made.name);
                    let (unit, town) = made.place.unwrap_or((unit, town));
                    let (unit, town) = if made.central {
                        self.central_place(unit, town)
                    } else {
                        (unit, town)
                    };
                    (kind, total_cents, unit, town, made)
                }
            };
        let region = if made.county_wide {
            0
        } else {
            town_region(town)
        };
        let total_wan = total_cents / 100;
        let stage = slot.stage;

        let level = self.level(slot.band);
        let funding = self.funding(kind, unit, slot.band);
        let lead = self.lead(kind, stage);
        let linked_leader = self.leader(slot.band, level, total_wan);
        let service_officer = if self.chance(match level {
            Level::Provincial | Level::City => 0.6,
            Level::County => 0.15,
        }) {
            let officers = OFFICERS.get(lead).copied().unwrap_or(OFFICERS[0]);
            let name = self.pick(officers);
            Some(format!(
                "{} {}",
                DEPARTMENTS[lead.min(DEPARTMENTS.len() - 1)].1,
                name
            ))
        } else {
            None
        };

        let mut tags: Vec<String> = Vec::new();
        if total_wan >= 10_000 {
            tags.push("亿元以上".into());
        }
        if level == Level::Provincial && self.chance(0.5) {
            tags.push("省督办".into());
        }
        if funding.iter().any(|f| f == "预算内资金") {
            tags.push("预算内投资".into());
        }
        if !kind.industrial() && self.chance(0.01) {
            tags.push("对口协作".into());
        }
        if service_officer.is_some() {
            tags.push("首席服务官".into());
        }
        if slot.band <= 1 || (level == Level::Provincial && self.chance(0.25)) {
            tags.push("重中之重".into());
        }

        let mut fields = ProjectFields {
            code: Some(format!("FQ{}-{:0width$}", self.year, index + 1)),
            name: made.name,
            category: Some(made.category.to_string()),
            stage: Some(stage),
            level: Some(level),
            tags,
            industry: made.industry.map(str::to_string),
            linked_leader,
            service_officer,
            content: Some(made.content),
            total_investment: Some(Money::from_fen(total_cents * 10_000)),
            plan_year: Some(self.year),
            funding_sources: funding,
            ..ProjectFields::default()
        };
        self.dates(&mut fields, stage, slot.band, made.category == "产业项目");
        fields.annual_plan = Some(self.annual_plan(total_cents, stage));
        fields.location = Some(self.location(unit, town, made.county_wide));
        fields.owner = Some(made.owner.unwrap_or_else(|| owner_of(unit, town)));
        if made.category == "产业项目" {
            self.outputs(&mut fields, kind, total_wan);
        }
        if self.chance(0.2) {
            let remarks = remarks_for(stage);
            fields.remarks = Some(self.pick(remarks).to_string());
        }
        SeedProject {
            fields,
            unit,
            lead_department: lead,
            region,
        }
    }

    /// Takes `name`, or the next free "（二期）" … "（九期）", then "（10）" ….
    fn claim(&mut self, name: String) -> String {
        let key = name_key(&name);
        if self.used_names.insert(key) {
            return name;
        }
        let phased = !name.contains('期');
        let first = self.next_suffix.get(&key).copied().unwrap_or(2);
        for k in first.. {
            let candidate = if phased && k <= 9 {
                format!("{name}（{}期）", CN_NUM[k - 1])
            } else {
                format!("{name}（{k}）")
            };
            if self.used_names.insert(name_key(&candidate)) {
                self.next_suffix.insert(key, k + 1);
                return candidate;
            }
        }
        name
    }

    /// A total in cents of 万元 (百元) within `lo..hi` 万元, skewed to the small end, rounded as
    /// ledgers round: whole 千万 for big projects, to the 万 or to the 百元 for small ones.
    fn total(&mut self, band: usize, lo: i64, hi: i64) -> i64 {
        let u = self.rng.random::<f64>();
        let skew = match band {
            0 | 3 => u * u * u,
            1 | 2 => u * u * u * u,
            _ => u * u,
        };
        let wan = lo as f64 + (hi - lo) as f64 * skew;
        let cents = (wan * 100.0) as i64;
        let step = if wan >= 100_000.0 {
            100_000
        } else if wan >= 10_000.0 {
            10_000
        } else if wan >= 1_000.0 {
            if self.chance(0.6) { 1_000 } else { 100 }
        } else if self.chance(0.5) {
            100
        } else {
            1
        };
        (cents / step * step).clamp(lo * 100, hi * 100 - 1)
    }

    fn annual_plan(&mut self, total_cents: i64, stage: Stage) -> Money {
        let (lo, hi) = match stage {
            Stage::Planning => (100, 150),
            Stage::PreWork => (100, 200),
            Stage::ToStart => (100, 350),
            Stage::UnderConstruction => (150, 450),
            Stage::ToComplete => (250, 600),
            Stage::Completed => (100, 400),
            Stage::InProduction => (100, 300),
        };
        let permille = self.int(lo, hi);
        let step = if total_cents >= 10_000_000 {
            10_000
        } else if total_cents >= 1_000_000 {
            1_000
        } else if total_cents >= 100_000 {
            100
        } else {
            1
        };
        let cents = total_cents * permille / 1000 / step * step;
        Money::from_fen(cents.clamp(0, total_cents) * 10_000)
    }

    fn level(&mut self, band: usize) -> Level {
        let (provincial, city) = match band {
            0 => (1.0, 0.0),
            1 => (0.7, 0.3),
            2 => (0.15, 0.55),
            3 => (0.02, 0.25),
            _ => (0.0, 0.08),
        };
        let r = self.rng.random::<f64>();
        if r < provincial {
            Level::Provincial
        } else if r < provincial + city {
            Level::City
        } else {
            Level::County
        }
    }

    fn leader(&mut self, band: usize, level: Level, total_wan: i64) -> Option<String> {
        let linked = match level {
            Level::Provincial | Level::City => true,
            Level::County => self.chance(if total_wan >= 10_000 { 0.4 } else { 0.1 }),
        };
        if !linked {
            return None;
        }
        let pool: &[&str] = if band == 0 {
            &LEADERS[..2]
        } else if level == Level::Provincial {
            &LEADERS[..6]
        } else {
            &LEADERS[2..]
        };
        Some(self.pick(pool).to_string())
    }

    /// 1–3 funding sources in the order of [`domain::project::FUNDING_SOURCES`].
    fn funding(&mut self, kind: Kind, unit: usize, band: usize) -> Vec<String> {
        let (pool, weights): (&[&str], Vec<u32>) = if kind.industrial() {
            let mut chosen = vec!["自筹"];
            if self.chance(0.6) {
                chosen.push("银行贷款");
            }
            if self.chance(0.1) {
                chosen.push("政策性资金");
            }
            return ordered_sources(&chosen);
        } else if kind == Kind::Energy {
            (
                &["自筹", "银行贷款", "企业债券", "政策性资金"],
                vec![5, 4, 2, 1],
            )
        } else if (U_SOE0..U_SOE0 + STATE_FIRMS.len()).contains(&unit) {
            (
                &["专项债", "银行贷款", "企业债券", "政策性资金", "自筹"],
                vec![5, 4, 3, 2, 2],
            )
        } else {
            let budget = if band >= 4 { 6 } else { 4 };
            (
                &["预算内资金", "专项债", "政府债券", "政策性资金"],
                vec![budget, 4, 3, 2],
            )
        };
        let count = self.weighted(&[4, 4, 2]) + 1;
        let mut weights = weights;
        let mut chosen = Vec::with_capacity(count);
        for _ in 0..count {
            let i = self.weighted(&weights);
            if weights.get(i).is_some_and(|w| *w > 0) {
                chosen.push(pool[i]);
                weights[i] = 0;
            }
        }
        ordered_sources(&chosen)
    }

    fn lead(&mut self, kind: Kind, stage: Stage) -> usize {
        if stage == Stage::PreWork && self.chance(0.3) {
            return self.pick(&[U_XFZX, U_ZGJ, U_ZJJ]);
        }
        match kind {
            Kind::Upgrade => U_GXJ,
            k if k.industrial() => {
                let landing = matches!(stage, Stage::Planning | Stage::PreWork | Stage::ToStart);
                if landing && self.chance(0.5) {
                    U_SWJ
                } else {
                    U_FGJ
                }
            }
            Kind::Port | Kind::Road => {
                if self.chance(0.6) {
                    U_JTJ
                } else {
                    U_FGJ
                }
            }
            Kind::Water => U_SLJ,
            Kind::Urban => {
                if self.chance(0.7) {
                    U_ZJJ
                } else {
                    U_ZGJ
                }
            }
            Kind::Education | Kind::Health | Kind::Welfare => {
                if self.chance(0.6) {
                    U_FGJ
                } else {
                    U_ZJJ
                }
            }
            Kind::Eco => self.pick(&[U_STHJ, U_STHJ, U_SLJ, U_ZJJ]),
            Kind::Agri => U_NYJ,
            _ => U_FGJ,
        }
    }

    /// Responsible unit and town for a kind of project.
    fn place(&mut self, kind: Kind) -> (usize, usize) {
        let all = ALL_TOWNS;
        let r = self.rng.random::<f64>();
        match kind {
            Kind::Petrochem | Kind::Metallurgy => self.park(if r < 0.8 { U_JY } else { U_YH }),
            Kind::NewEnergy => {
                let park = self.pick(&[U_JY, U_YH, U_GX, U_RQ]);
                self.park(park)
            }
            Kind::Food if r < 0.6 => self.park(U_YH),
            Kind::Food => self.town(&FOOD_TOWNS),
            Kind::Electronics if r < 0.5 => self.park(U_RQ),
            Kind::Electronics if r < 0.9 => self.park(U_GX),
            Kind::Electronics => self.town(&[T_HONGLU, T_YINXI, T_YANGXIA]),
            Kind::Equipment | Kind::Upgrade if r < 0.7 => {
                let park = self.pick(&[U_RQ, U_GX, U_JY, U_YH]);
                self.park(park)
            }
            Kind::Equipment | Kind::Upgrade => self.town(&INDUSTRIAL_TOWNS),
            Kind::Textile if r < 0.5 => self.park(U_JY),
            Kind::Textile => self.town(&[T_LONGTIAN, 12, 11, 7]),
            Kind::Pharma => self.park(if r < 0.5 { U_RQ } else { U_GX }),
            Kind::Logistics if r < 0.35 => self.park(U_JY),
            Kind::Logistics if r < 0.65 => self.park(U_YH),
            Kind::Logistics if r < 0.8 => (U_JT, self.pick(&[T_HONGLU, T_YANGXIA, T_JIANGYIN])),
            Kind::Logistics => self.town(&[T_HONGLU, T_YANGXIA]),
            // Scenic spots fix their own place in `make`.
            Kind::Tourism => self.town(&[4, 21, 17, 15, 23, 16, 9, 13]),
            Kind::Commerce if r < 0.6 => self.town(&STREETS),
            Kind::Commerce => (U_GZ, self.pick(&STREETS)),
            Kind::Port if r < 0.6 => (U_JY, T_JIANGYIN),
            Kind::Port => (U_JT, T_JIANGYIN),
            Kind::Road if r < 0.5 => (U_JT, self.pick(&all)),
            Kind::Road if r < 0.85 => self.town(&all),
            Kind::Road | Kind::ParkInfra => {
                let park = self.pick(&[U_RQ, U_JY, U_YH, U_GX]);
                self.park(park)
            }
            Kind::Energy if r < 0.3 => self.park(U_JY),
            Kind::Energy if r < 0.6 => (U_GZ, self.pick(&COASTAL)),
            Kind::Energy => self.town(&COASTAL),
            Kind::Water if r < 0.5 => self.town(&all),
            Kind::Water if r < 0.8 => (U_GZ, self.pick(&all)),
            Kind::Water => (U_CT, self.pick(&all)),
            Kind::Urban if r < 0.5 => (U_CT, self.pick(&STREETS)),
            Kind::Urban if r < 0.9 => self.town(&STREETS),
            Kind::Urban => (U_GZ, self.pick(&STREETS)),
            Kind::Education | Kind::Health | Kind::Welfare if r < 0.35 => (U_CT, self.pick(&all)),
            Kind::Education | Kind::Health | Kind::Welfare if r < 0.5 => (U_GZ, self.pick(&all)),
            Kind::Education | Kind::Health | Kind::Welfare => self.town(&all),
            Kind::Eco if r < 0.6 => self.town(&all),
            Kind::Eco if r < 0.8 => (U_CT, self.pick(&all)),
            Kind::Eco => {
                let park = self.pick(&[U_RQ, U_JY, U_YH, U_GX]);
                self.park(park)
            }
            Kind::Agri => self.town(&RURAL),
        }
    }

    /// Moves a city facility drawn in a town to a street, with the street or 城投 responsible.
    fn central_place(&mut self, unit: usize, town: usize) -> (usize, usize) {
        if STREETS.contains(&town) {
            return (unit, town);
        }
        let street = self.pick(&STREETS);
        let unit = if (U_TOWN0..U_SOE0).contains(&unit) {
            if self.chance(0.5) {
                town_unit(street)
            } else {
                U_CT
            }
        } else {
            unit
        };
        (unit, street)
    }

    fn park(&mut self, unit: usize) -> (usize, usize) {
        let towns = PARKS[(unit - U_PARK0).min(PARKS.len() - 1)].2;
        (unit, self.pick(towns))
    }

    fn town(&mut self, towns: &[usize]) -> (usize, usize) {
        let t = self.pick(towns);
        (town_unit(t), t)
    }

    fn location(&mut self, unit: usize, town: usize, county_wide: bool) -> String {
        if county_wide {
            return format!("{COUNTY}城区及沿线镇街");
        }
        if (U_PARK0..U_TOWN0).contains(&unit) {
            return format!("{COUNTY}{}（{}）", TOWNS[town], PARKS[unit - U_PARK0].1);
        }
        if STREETS.contains(&town) {
            let road = self.pick(&ROADS);
            format!("{COUNTY}{}{road}", TOWNS[town])
        } else {
            let village = self.village();
            format!("{COUNTY}{}{village}村", TOWNS[town])
        }
    }

    /// 建设起止年限, planned and actual dates, consistent with the stage and the campaign year.
    /// The ledger is as of 30 June of the year.
    fn dates(&mut self, f: &mut ProjectFields, stage: Stage, band: usize, industrial: bool) {
        let y = self.year;
        let cutoff = ymd(y, 6, 30);
        let pref = match band {
            0 | 1 => self.int(3, 5),
            2 => self.int(2, 4),
            3 => self.int(1, 3),
            _ => self.int(1, 2),
        } as i32;
        let (sy, mut ey, mut months) = match stage {
            Stage::Planning => {
                let sy = if self.chance(0.25) { y } else { y + 1 };
                (sy, sy + pref - 1, if sy == y { (10, 12) } else { (1, 12) })
            }
            Stage::PreWork => {
                let sy = if self.chance(0.6) { y } else { y + 1 };
                (sy, sy + pref - 1, if sy == y { (7, 12) } else { (1, 9) })
            }
            Stage::ToStart => (y, y + pref - 1, (1, 12)),
            Stage::UnderConstruction => {
                let sy = y - self.weighted(&[2, 4, 3, 1]) as i32;
                let ey = (sy + pref - 1).max(y + 1).min(sy + 4);
                (sy, ey, if sy == y { (1, 4) } else { (1, 12) })
            }
            Stage::ToComplete => {
                let sy = (y - (pref - 1)).max(y - 4);
                (sy, y, if sy == y { (1, 3) } else { (1, 12) })
            }
            Stage::Completed => ((y - (pref - 1)).min(y - 1).max(y - 4), y, (1, 12)),
            Stage::InProduction => {
                let ey = if self.chance(0.6) { y } else { y - 1 };
                ((ey - (pref - 1)).min(ey - 1).max(ey - 4), ey, (1, 12))
            }
        };
        if sy == ey {
            if months.0 > 6 {
                ey += 1;
            } else {
                months.1 = months.1.min(6);
            }
        }
        let month = self.int(months.0, months.1) as u32;
        let day = self.int(1, 28) as u32;
        let ps = ymd(sy, month, day);
        f.period_start = Some(ymd(sy, 1, 1));
        f.period_end = Some(ymd(ey, 12, 31));
        f.planned_start = Some(ps);

        let actual_start = match stage {
            Stage::Planning | Stage::PreWork => None,
            Stage::ToStart => {
                if ps <= add_days(cutoff, -10) && self.chance(0.45) {
                    let d = add_days(ps, self.int(-15, 40));
                    Some(d.clamp(ymd(y, 1, 1), cutoff))
                } else {
                    None
                }
            }
            _ => Some(add_days(ps, self.int(0, 60)).min(cutoff)),
        };
        f.actual_start = actual_start;

        let pc = match stage {
            Stage::ToComplete => {
                self.date_between(add_days(ps, 90).max(ymd(y, 3, 1)), ymd(y, 12, 31))
            }
            Stage::Completed => {
                self.date_between(add_days(ps, 90).max(ymd(y, 1, 10)), ymd(y, 8, 31))
            }
            Stage::InProduction => {
                self.date_between(add_days(ps, 90).max(ymd(ey, 1, 10)), ymd(ey, 12, 31))
            }
            _ => self.date_between(add_days(ps, 150).max(ymd(ey, 1, 1)), ymd(ey, 12, 31)),
        };
        f.planned_completion = Some(pc);

        let started = actual_start.unwrap_or(ps);
        let actual_completion = match stage {
            Stage::Completed => {
                Some(self.date_between(add_days(started, 60).max(ymd(y, 1, 1)), cutoff))
            }
            Stage::InProduction if ey == y => {
                Some(self.date_between(add_days(started, 60).max(ymd(y, 1, 1)), ymd(y, 4, 30)))
            }
            Stage::InProduction => {
                Some(self.date_between(add_days(started, 60).max(ymd(ey, 3, 1)), ymd(ey, 12, 31)))
            }
            _ => None,
        };
        f.actual_completion = actual_completion;
        if stage == Stage::InProduction
            && let Some(ac) = actual_completion
        {
            let to = add_days(ac, 90).min(cutoff).max(ac);
            f.actual_production = Some(self.date_between(ac, to));
        }
        f.planned_production = if industrial {
            Some(add_days(pc, self.int(30, 150)))
        } else if stage == Stage::InProduction {
            Some(add_days(pc, self.int(0, 60)))
        } else {
            None
        };
        debug_assert!(f.period_end.is_some_and(|e| e.year() - sy < 5));
    }

    /// 达产后年产值、税收、新增就业 for an industrial project.
    fn outputs(&mut self, f: &mut ProjectFields, kind: Kind, total_wan: i64) {
        let (ratio, jobs_per_yi) = match kind {
            Kind::Petrochem => ((80, 150), (5, 10)),
            Kind::Metallurgy => ((100, 200), (8, 15)),
            Kind::NewEnergy => ((100, 200), (20, 40)),
            Kind::Electronics => ((120, 250), (40, 80)),
            Kind::Food => ((120, 250), (30, 60)),
            Kind::Equipment => ((100, 200), (30, 60)),
            Kind::Textile => ((100, 200), (20, 40)),
            Kind::Pharma => ((100, 200), (20, 40)),
            Kind::Upgrade => ((50, 150), (0, 8)),
            Kind::Logistics => ((20, 60), (20, 40)),
            Kind::Tourism => ((15, 40), (30, 80)),
            _ => ((20, 60), (50, 100)),
        };
        let output = total_wan * self.int(ratio.0, ratio.1) / 100;
        let output = if output >= 10_000 {
            output / 100 * 100
        } else {
            (output / 10 * 10).max(10)
        };
        let tax = (output * self.int(30, 80) / 1000 / 10 * 10).max(1);
        let jobs = (total_wan * self.int(jobs_per_yi.0, jobs_per_yi.1) / 10_000).max(10);
        f.expected_output = Some(Money::from_wan(output));
        f.expected_tax = Some(Money::from_wan(tax));
        f.expected_jobs = Some(jobs);
    }

    // --- names and contents -------------------------------------------------------------------

    fn make(&mut self, kind: Kind, total: i64, unit: usize, town: usize) -> Made {
        match kind {
            Kind::Petrochem => self.petrochem(total),
            Kind::NewEnergy => self.new_energy(total),
            Kind::Food => self.food(total, unit),
            Kind::Electronics => self.electronics(total),
            Kind::Equipment => self.equipment(total, unit),
            Kind::Textile => self.textile(total),
            Kind::Metallurgy => self.metallurgy(total),
            Kind::Pharma => self.pharma(total),
            Kind::Logistics => self.logistics(total, unit, town),
            Kind::Tourism => self.tourism(total, town),
            Kind::Upgrade => self.upgrade(total),
            Kind::Commerce => self.commerce(total, town),
            Kind::Port => self.port(total),
            Kind::Road => self.road(total, unit, town),
            Kind::Energy => self.energy(total, town),
            Kind::Water => self.water(total, town),
            Kind::ParkInfra => self.park_infra(total, unit),
            Kind::Urban => self.urban(total, town),
            Kind::Education => self.education(total, town),
            Kind::Health => self.health(total, town),
            Kind::Welfare => self.welfare(total, town),
            Kind::Eco => self.eco(total, town),
            Kind::Agri => self.agri(total, town),
        }
    }

    fn petrochem(&mut self, total: i64) -> Made {
        const PRODUCTS: [(&str, i64, i64, &str); 12] = [
            ("聚丙烯", 20, 80, "石油化工"),
            ("丁辛醇", 20, 110, "石油化工"),
            ("环氧丙烷", 15, 60, "石油化工"),
            ("己内酰胺", 20, 60, "新材料"),
            ("锦纶6切片", 20, 80, "新材料"),
            ("聚碳酸酯", 10, 40, "新材料"),
            ("丙烯酸及酯", 10, 40, "石油化工"),
            ("PBAT可降解塑料", 6, 30, "新材料"),
            ("电子级化学品", 3, 20, "新材料"),
            ("碳酸二甲酯", 10, 40, "新材料"),
            ("双氧水", 10, 30, "石油化工"),
            ("高吸水性树脂", 5, 20, "新材料"),
        ];
        let (product, lo, hi, industry) = self.pick(&PRODUCTS);
        let scale = (total.min(600_000) * 70 / 600_000) + self.int(0, 30);
        let cap = lo + (hi - lo) * scale / 100;
        let brand = self.brand();
        let name = match self.int(0, 2) {
            0 => format!("{brand}石化年产{cap}万吨{product}项目"),
            1 => format!("{brand}年产{cap}万吨{product}项目"),
            _ => format!("{brand}新材料{product}一体化项目"),
        };
        let mu = self.mu(total, 300, 600);
        let content = if self.chance(0.5) {
            format!(
                "用地约{mu}亩，新建年产{cap}万吨{product}生产装置及配套罐区、公用工程和环保设施。"
            )
        } else {
            format!(
                "依托江阴港区码头和公共管廊，建设{cap}万吨/年{product}装置及配套储运、公用工程设施，用地约{mu}亩。"
            )
        };
        let owner = if self.chance(0.5) {
            format!("福建{brand}石化有限公司")
        } else {
            format!("福建{brand}新材料科技有限公司")
        };
        Made::new(Kind::Petrochem, name, content)
            .industry(industry)
            .owner(owner)
    }

    fn new_energy(&mut self, total: i64) -> Made {
        let brand = self.brand();
        let area = self.area(total, 3000, 8000);
        let (name, content) = match self.int(0, 4) {
            0 => {
                let gwh = (total / 25_000).clamp(1, 60);
                (
                    format!("{brand}年产{gwh}GWh储能电池项目"),
                    format!(
                        "总建筑面积{area}，建设电芯、模组及PACK生产线，达产后形成年产{gwh}GWh储能电池产能。"
                    ),
                )
            }
            1 => {
                let cap = (total / 20_000).max(1);
                let mu = self.mu(total, 300, 500);
                (
                    format!("{brand}锂电池正极材料项目"),
                    format!("用地约{mu}亩，建设年产{cap}万吨磷酸铁锂正极材料生产线及配套设施。"),
                )
            }
            2 => {
                let gw = (total / 40_000).max(1);
                (
                    format!("{brand}高效光伏电池及组件项目"),
                    format!("总建筑面积{area}，建设年产{gw}GW高效光伏电池及组件生产线。"),
                )
            }
            3 => (
                format!("{brand}新能源汽车零部件生产项目"),
                format!(
                    "总建筑面积{area}，建设电驱系统、热管理部件等新能源汽车零部件生产线及配套设施。"
                ),
            ),
            _ => (
                format!("{brand}氢能装备产业园"),
                format!("建设电解槽、储氢瓶等氢能装备生产线及研发测试中心，总建筑面积{area}。"),
            ),
        };
        let owner = if self.chance(0.5) {
            format!("福建{brand}新能源科技有限公司")
        } else {
            format!("{brand}新能源（福建）有限公司")
        };
        Made::new(Kind::NewEnergy, name, content).owner(owner)
    }

    fn food(&mut self, total: i64, unit: usize) -> Made {
        let brand = self.brand();
        let area = self.area(total, 3000, 6000);
        let cap = (total / 3_000).max(1);
        let (name, content, owner) = match self.int(0, 5) {
            0 if unit == U_YH => {
                let phase = self.cn(2, 5);
                (
                    format!("福清元洪国际食品产业园{phase}期"),
                    format!("建设标准化食品加工厂房、冷链仓储及配套设施，总建筑面积{area}。"),
                    None,
                )
            }
            0 | 1 => (
                format!("{brand}食品精深加工项目"),
                format!(
                    "总建筑面积{area}，建设食品加工车间、冷库及配套设施，达产后年加工农副产品{cap}万吨。"
                ),
                Some(format!("福建{brand}食品有限公司")),
            ),
            2 => (
                format!("{brand}水产品冷链加工项目"),
                format!(
                    "建设水产品加工车间、万吨级冷库及冷链物流配套设施，年加工水产品{cap}万吨。"
                ),
                Some(format!("福清{brand}水产食品有限公司")),
            ),
            3 => (
                format!("{brand}粮油加工项目"),
                format!(
                    "建设年加工{}万吨大豆油脂生产线及筒仓、码头输送等配套设施。",
                    cap * 3
                ),
                Some(format!("福建{brand}粮油工业有限公司")),
            ),
            4 => (
                format!("{brand}休闲食品生产基地"),
                format!("总建筑面积{area}，建设烘焙、休闲食品自动化生产线及仓储设施。"),
                Some(format!("福建{brand}食品有限公司")),
            ),
            _ => (
                format!("{brand}海洋生物制品项目"),
                format!("建设海藻多糖、鱼胶原蛋白肽等海洋生物制品生产线，总建筑面积{area}。"),
                Some(format!("福建{brand}海洋生物科技有限公司")),
            ),
        };
        let made = Made::new(Kind::Food, name, content);
        match owner {
            Some(o) => made.owner(o),
            None => made,
        }
    }

    fn electronics(&mut self, total: i64) -> Made {
        let brand = self.brand();
        let area = self.area(total, 4000, 9000);
        let (name, content) = match self.int(0, 4) {
            0 => (
                format!("{brand}光电显示模组项目"),
                format!(
                    "建设洁净厂房、研发楼及配套设施，引进全自动贴合、绑定生产线，年产显示模组{}万片。",
                    (total / 50).max(10)
                ),
            ),
            1 => (
                format!("{brand}智能终端制造基地"),
                format!(
                    "总建筑面积{area}，建设SMT贴片、整机组装测试生产线，年产智能终端{}万台。",
                    (total / 100).max(5)
                ),
            ),
            2 => (
                format!("{brand}光学镜头及模组产业化项目"),
                format!(
                    "总建筑面积{area}，建设光学镜片、镜头及模组生产线，年产光学镜头{}万颗。",
                    (total / 20).max(50)
                ),
            ),
            3 => (
                format!("{brand}半导体封装测试项目"),
                format!(
                    "建设洁净厂房及动力配套设施，购置封装、测试设备，形成年封装测试集成电路{}亿颗能力。",
                    (total / 20_000).max(1)
                ),
            ),
            _ => (
                format!("{brand}汽车电子生产项目"),
                format!("总建筑面积{area}，建设车载显示、车身控制器等汽车电子产品生产线。"),
            ),
        };
        let owner = if self.chance(0.5) {
            format!("{brand}（福建）光电科技有限公司")
        } else {
            format!("福建{brand}电子科技有限公司")
        };
        Made::new(Kind::Electronics, name, content).owner(owner)
    }

    fn equipment(&mut self, total: i64, unit: usize) -> Made {
        let brand = self.brand();
        let area = self.area(total, 3000, 7000);
        let (name, content, owner) = match self.int(0, 5) {
            0 if (U_PARK0..U_TOWN0).contains(&unit) => {
                let park = PARKS[unit - U_PARK0].1;
                let what = self.pick(&["智能装备制造", "高端装备产业", "精密制造"]);
                (
                    format!("{park}{what}项目"),
                    format!(
                        "总建筑面积{area}，建设数控加工、焊接装配车间及研发中心，年产智能成套装备{}台（套）。",
                        (total / 50).max(20)
                    ),
                    format!("福建{brand}智能装备有限公司"),
                )
            }
            0 | 1 => (
                format!("{brand}智能装备制造项目"),
                format!(
                    "总建筑面积{area}，建设数控加工、焊接装配车间及研发中心，年产智能成套装备{}台（套）。",
                    (total / 50).max(20)
                ),
                format!("福建{brand}智能装备有限公司"),
            ),
            2 => (
                format!("{brand}海洋养殖装备产业园"),
                format!(
                    "建设深远海养殖网箱、养殖工船配套装备生产基地及研发中心，总建筑面积{area}。"
                ),
                format!("福建{brand}海洋装备有限公司"),
            ),
            3 => (
                format!("{brand}汽车零部件生产项目"),
                format!(
                    "总建筑面积{area}，建设冲压、焊装、涂装生产线，年产汽车零部件{}万件。",
                    (total / 20).max(10)
                ),
                format!("福建{brand}汽车部件有限公司"),
            ),
            4 => (
                format!("{brand}高端阀门制造项目"),
                format!(
                    "建设铸造、精加工及检测车间，总建筑面积{area}，年产各类工业阀门{}万台。",
                    (total / 500).max(1)
                ),
                format!("福清{brand}阀门有限公司"),
            ),
            _ => (
                format!("{brand}工业机器人生产基地"),
                format!(
                    "总建筑面积{area}，建设工业机器人本体及系统集成生产线，年产工业机器人{}台。",
                    (total / 10).max(100)
                ),
                format!("福建{brand}机器人科技有限公司"),
            ),
        };
        Made::new(Kind::Equipment, name, content).owner(owner)
    }

    fn textile(&mut self, total: i64) -> Made {
        let brand = self.brand();
        let (name, content, owner) = match self
            .template(total, &[(30_000, MAX), (8_000, 300_000), (10_000, 200_000)])
        {
            0 => {
                let cap = (total / 15_000).max(1);
                let mu = self.mu(total, 300, 500);
                (
                    format!("{brand}年产{cap}万吨差别化锦纶纤维项目"),
                    format!(
                        "用地约{mu}亩，建设聚合、纺丝、加弹生产线，年产差别化锦纶纤维{cap}万吨。"
                    ),
                    format!("福建{brand}化纤有限公司"),
                )
            }
            1 => {
                let area = self.area(total, 3000, 6000);
                (
                    format!("{brand}高端纺织面料项目"),
                    format!(
                        "总建筑面积{area}，建设经编、染整生产线，年产高端功能性面料{}万米。",
                        (total / 20).max(100)
                    ),
                    format!("福清{brand}纺织科技有限公司"),
                )
            }
            _ => (
                format!("{brand}再生纤维项目"),
                format!(
                    "建设瓶片清洗、熔融纺丝生产线，年产循环再生涤纶短纤{}万吨。",
                    (total / 10_000).max(1)
                ),
                format!("福建{brand}再生资源科技有限公司"),
            ),
        };
        Made::new(Kind::Textile, name, content).owner(owner)
    }

    fn metallurgy(&mut self, total: i64) -> Made {
        let brand = self.brand();
        let cap = (total / 5_000).max(1);
        let (name, content, owner) = match self.int(0, 2) {
            0 => (
                format!("{brand}不锈钢冷轧项目"),
                format!("建设冷轧、退火酸洗生产线及配套设施，年产不锈钢冷轧板卷{cap}万吨。"),
                format!("福建{brand}不锈钢有限公司"),
            ),
            1 => (
                format!("{brand}精密铜合金材料项目"),
                format!("建设熔铸、热轧、精轧生产线，年产精密铜合金带材{cap}万吨。"),
                format!("福建{brand}金属材料有限公司"),
            ),
            _ => (
                format!("{brand}高端铝型材项目"),
                format!("建设挤压、表面处理生产线，年产新能源汽车及光伏用铝型材{cap}万吨。"),
                format!("福建{brand}铝业有限公司"),
            ),
        };
        Made::new(Kind::Metallurgy, name, content).owner(owner)
    }

    fn pharma(&mut self, total: i64) -> Made {
        let brand = self.brand();
        let area = self.area(total, 4000, 8000);
        let (name, content, owner) = match self.int(0, 2) {
            0 => (
                format!("{brand}生物医药产业园"),
                format!("总建筑面积{area}，建设GMP生产车间、研发中心及配套设施。"),
                format!("福建{brand}生物医药有限公司"),
            ),
            1 => (
                format!("{brand}医疗器械生产项目"),
                format!(
                    "建设十万级洁净车间及配套设施，总建筑面积{area}，年产一次性医用耗材{}亿件。",
                    (total / 10_000).max(1)
                ),
                format!("福建{brand}医疗器械有限公司"),
            ),
            _ => (
                format!("{brand}原料药及制剂项目"),
                format!(
                    "建设原料药合成车间、固体制剂车间及质检中心，年产片剂{}亿片。",
                    (total / 5_000).max(1)
                ),
                format!("福建{brand}药业有限公司"),
            ),
        };
        Made::new(Kind::Pharma, name, content).owner(owner)
    }

    fn logistics(&mut self, total: i64, unit: usize, town: usize) -> Made {
        let brand = self.brand();
        let mu = self.mu(total, 200, 400);
        let (name, content) = match self.int(0, 3) {
            0 if unit == U_JY => {
                let phase = self.cn(1, 4);
                (
                    format!("江阴港区综合物流园{phase}期"),
                    format!("建设集装箱堆场、保税仓库及物流配套设施，用地约{mu}亩。"),
                )
            }
            0 | 1 => (
                format!("{brand}智慧物流园"),
                format!("用地约{mu}亩，建设高标准仓库、分拣中心、智能立体库及配套设施。"),
            ),
            2 => (
                format!("{brand}冷链物流中心"),
                format!(
                    "建设冷库{}万吨及冷链配送中心、综合办公楼等配套设施。",
                    (total / 5_000).max(1)
                ),
            ),
            _ => {
                let area = self.area(total, 3000, 5000);
                (
                    format!("{}电商物流产业园", TOWNS[town]),
                    format!("建设电商仓储、分拨中心及配套设施，总建筑面积{area}。"),
                )
            }
        };
        let owner = if self.chance(0.5) {
            format!("福建{brand}供应链管理有限公司")
        } else {
            format!("福清{brand}物流有限公司")
        };
        Made::new(Kind::Logistics, name, content).owner(owner)
    }

    fn tourism(&mut self, total: i64, town: usize) -> Made {
        const SPOTS: [(&str, usize, &str); 6] = [
            (
                "石竹山景区提升改造项目",
                4,
                "实施景区游步道、游客服务中心、生态停车场及夜景亮化提升改造。",
            ),
            (
                "灵石山国家森林公园康养旅游项目",
                21,
                "建设森林康养中心、生态步道、民宿集群及配套服务设施。",
            ),
            (
                "黄檗文化旅游区建设项目",
                17,
                "建设黄檗文化展示馆、禅修体验区、游客服务中心及景区道路。",
            ),
            (
                "东壁岛滨海旅游度假区",
                15,
                "建设滨海度假酒店、海上运动中心及滨海休闲步道。",
            ),
            (
                "一都枇杷文化旅游区",
                23,
                "建设枇杷主题观光园、采摘体验区、游客服务中心及乡村民宿。",
            ),
            (
                "东瀚滨海风光带建设项目",
                16,
                "建设滨海绿道、观景平台、露营基地及旅游服务驿站。",
            ),
        ];
        let brand = self.brand();
        match self.template(
            total,
            &[
                (5_000, MAX),
                (5_000, MAX),
                (5_000, 200_000),
                (2_000, 20_000),
                (20_000, MAX),
            ],
        ) {
            0 | 1 => {
                let (name, spot_town, content) = self.pick(&SPOTS);
                let unit = if self.chance(0.75) {
                    town_unit(spot_town)
                } else {
                    U_GZ
                };
                Made::new(Kind::Tourism, name.to_string(), content.to_string())
                    .at(unit, spot_town)
                    .owner(format!("福清{brand}文旅发展有限公司"))
            }
            2 => {
                let area = self.area(total, 5000, 9000);
                let beds = (total / 30).clamp(50, 2000) / 10 * 10;
                Made::new(
                    Kind::Tourism,
                    format!("{brand}康养中心项目"),
                    format!("总建筑面积{area}，建设康养公寓、医疗护理中心及活动中心，设置养护床位{beds}张。"),
                )
                .owner(format!("福清{brand}康养产业有限公司"))
            }
            3 => {
                let village = self.village();
                Made::new(
                    Kind::Tourism,
                    format!("{}{village}村文旅融合项目", TOWNS[town]),
                    "盘活闲置农房，建设特色民宿、研学基地、游客服务中心及乡村旅游步道。"
                        .to_string(),
                )
            }
            _ => {
                let area = self.area(total, 6000, 10_000);
                Made::new(
                    Kind::Tourism,
                    format!("{brand}滨海度假酒店项目"),
                    format!("总建筑面积{area}，建设度假酒店及会议、康体、餐饮配套设施。"),
                )
                .owner(format!("福清{brand}文旅发展有限公司"))
            }
        }
    }

    fn upgrade(&mut self, total: i64) -> Made {
        let (industry, word) = self.pick(&UPGRADE_SECTORS);
        let brand = self.brand();
        let machines = (total / 50).max(10);
        let (name, content) = match self.int(0, 4) {
            0 => (
                format!("{brand}{word}智能化技术改造项目"),
                format!(
                    "购置智能化生产及检测设备{machines}台（套），实施生产线自动化、数字化改造，达产后新增产值约{}%。",
                    self.int(15, 40)
                ),
            ),
            1 => (
                format!("{brand}数字化车间改造项目"),
                format!(
                    "建设MES生产执行系统和数字化车间，购置工业机器人等设备{machines}台（套）。"
                ),
            ),
            2 => (
                format!("{brand}设备更新及扩产项目"),
                format!(
                    "淘汰老旧设备，购置先进生产设备{machines}台（套），新增产能约{}%。",
                    self.int(20, 60)
                ),
            ),
            3 => (
                format!("{brand}绿色低碳技术改造项目"),
                format!(
                    "实施余热回收、屋顶光伏及高效电机替换等节能改造，年节约标准煤{}吨。",
                    (total / 2).max(200)
                ),
            ),
            _ => (
                format!("{brand}智能工厂建设项目"),
                format!("建设智能仓储、自动化产线和工业互联网平台，购置设备{machines}台（套）。"),
            ),
        };
        Made::new(Kind::Upgrade, name, content)
            .industry(industry)
            .owner(format!("福建{brand}{word}有限公司"))
    }

    fn commerce(&mut self, total: i64, town: usize) -> Made {
        let brand = self.brand();
        let area = self.area(total, 5000, 9000);
        let (name, content) = match self.int(0, 3) {
            0 => (
                format!("福清{brand}城市综合体"),
                format!("总建筑面积{area}，建设购物中心、写字楼、商业街区及地下停车场。"),
            ),
            1 => (
                format!("{}商业综合体项目", TOWNS[town]),
                format!("总建筑面积{area}，建设商业中心、酒店及配套停车设施。"),
            ),
            2 => (
                format!("{brand}总部大楼项目"),
                format!("总建筑面积{area}，建设企业总部办公楼、研发中心及配套商业。"),
            ),
            _ => (
                format!("福清{brand}商贸城"),
                format!("建设专业批发市场、仓储物流及配套设施，总建筑面积{area}。"),
            ),
        };
        Made::new(Kind::Commerce, name, content).owner(format!("福清{brand}置业有限公司"))
    }

    fn port(&mut self, total: i64) -> Made {
        let dwt = self.pick(&[5, 10, 10, 15, 20]);
        let kind = self.pick(&["通用", "集装箱", "散货", "液体化工", "多用途"]);
        let n = self.int(1, 40);
        let (name, content) = if total >= 120_000 && self.chance(0.6) {
            (
                format!("江阴港区{n}#、{}#泊位工程", n + 1),
                format!(
                    "新建{dwt}万吨级{kind}泊位2个，码头岸线长约{}米，设计年通过能力{}万吨。",
                    self.int(500, 800),
                    total / 300
                ),
            )
        } else if self.chance(0.2) {
            (
                format!("江阴港区{dwt}万吨级航道扩建工程"),
                format!(
                    "实施进港航道疏浚拓宽，航道长约{}公里，满足{dwt}万吨级船舶乘潮通航。",
                    tenths_text(self.int(30, 150))
                ),
            )
        } else {
            (
                format!("江阴港区{n}号泊位工程"),
                format!(
                    "新建{dwt}万吨级{kind}泊位1个，码头岸线长约{}米，设计年通过能力{}万吨。",
                    self.int(250, 400),
                    total / 200
                ),
            )
        };
        Made::new(Kind::Port, name, content)
            .at(if self.chance(0.6) { U_JY } else { U_JT }, T_JIANGYIN)
    }

    fn road(&mut self, total: i64, unit: usize, town: usize) -> Made {
        let t = TOWNS[town];
        let in_park = (U_PARK0..U_TOWN0).contains(&unit);
        if in_park && total < 100_000 {
            let park = PARKS[unit - U_PARK0].1;
            let dir = self.pick(&["纵", "横"]);
            let n = self.cn(1, 12);
            let km = tenths_text(total * 10 / self.int(2_000, 5_000));
            return Made::new(
                Kind::Road,
                format!("{park}{dir}{n}路工程"),
                format!("道路全长约{km}公里，按城市主干路标准建设，含给排水、照明及绿化工程。"),
            );
        }
        if total < 5_000 {
            let a = self.village();
            let b = self.village();
            let km = tenths_text(total * 10 / self.int(300, 600));
            let name = if a != b && self.chance(0.6) {
                format!("{t}{a}村至{b}村道路改造工程")
            } else {
                format!("{t}农村公路提级改造工程")
            };
            return Made::new(
                Kind::Road,
                name,
                format!(
                    "道路全长约{km}公里，按四级公路标准改造，路面宽{}米，含排水及交通安全设施。",
                    self.pick(&[5, 6, 6, 7])
                ),
            );
        }
        if total < 60_000 {
            let road = self.pick(&ROADS);
            let km = tenths_text(total * 10 / self.int(2_000, 6_000));
            let width = self.pick(&[24, 30, 36, 40, 50]);
            let name = match self.int(0, 2) {
                0 => {
                    let a = self.village();
                    let b = self.village();
                    if a == b {
                        format!("{road}延伸段工程")
                    } else {
                        format!("{road}（{a}至{b}段）改造工程")
                    }
                }
                1 => {
                    let other = self.pick(&TOWNS);
                    if other == t {
                        format!("{t}{road}拓宽改造工程")
                    } else {
                        format!("{t}至{other}公路改建工程")
                    }
                }
                _ => format!("{road}延伸段工程"),
            };
            return Made::new(
                Kind::Road,
                name,
                format!("道路全长约{km}公里，路基宽{width}米，含桥涵、排水、照明及交通安全设施。"),
            );
        }
        if total < 800_000 {
            let a = short_town(self.pick(&COASTAL));
            let b = short_town(self.pick(&COASTAL));
            let km = tenths_text(total * 10 / self.int(15_000, 30_000));
            let name = match self.int(0, 3) {
                0 if a != b => format!("国道G228线福清{a}至{b}段工程"),
                1 if a != b => format!("省道S201线福清{a}至{b}段改线工程"),
                2 => format!("福清{}互通及连接线工程", short_town(town)),
                _ => format!("福清市{}快速化改造工程", self.pick(&ROADS)),
            };
            return Made::new(
                Kind::Road,
                name,
                format!(
                    "路线全长约{km}公里，按一级公路兼城市快速路标准建设，设计速度80公里/小时。"
                ),
            );
        }
        let to = self.pick(&["平潭", "长乐", "永泰", "莆田", "闽侯"]);
        let km = tenths_text(total * 10 / self.int(60_000, 100_000));
        Made::new(
            Kind::Road,
            format!("福清至{to}高速公路福清段工程"),
            format!(
                "福清境内路线长约{km}公里，按双向六车道高速公路标准建设，设互通立交{}处。",
                self.int(2, 5)
            ),
        )
        .county_wide()
    }

    fn energy(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        if total < 10_000 {
            if self.chance(0.5) {
                let mw = tenths_text(total * 10 / 400);
                return Made::new(
                    Kind::Energy,
                    format!("{t}分布式光伏发电项目"),
                    format!("利用厂房、公共建筑屋顶建设分布式光伏，装机容量约{mw}兆瓦。"),
                )
                .owner(format!("福建{}新能源有限公司", self.brand()));
            }
            return Made::new(
                Kind::Energy,
                format!("{t}10千伏配电网改造工程"),
                format!(
                    "新建改造10千伏线路{}公里、配电变压器{}台。",
                    tenths_text(total / 8),
                    (total / 150).max(2)
                ),
            )
            .owner("国网福建省电力有限公司福清市供电公司".to_string());
        }
        if total < 100_000 {
            return match self.int(0, 2) {
                0 => Made::new(
                    Kind::Energy,
                    format!("福清{}110千伏输变电工程", self.village()),
                    format!(
                        "新建110千伏变电站1座，主变容量2×50兆伏安，新建线路{}公里。",
                        tenths_text(total / 200)
                    ),
                )
                .owner("国网福建省电力有限公司福清市供电公司".to_string()),
                1 => {
                    let mw = total / 450;
                    Made::new(
                        Kind::Energy,
                        format!("{t}渔光互补光伏电站项目"),
                        format!(
                            "利用养殖水面建设渔光互补光伏电站，装机容量{mw}兆瓦，配套建设升压站。"
                        ),
                    )
                    .owner(format!("福建{}新能源有限公司", self.brand()))
                }
                _ => Made::new(
                    Kind::Energy,
                    format!("{t}天然气高压管网工程"),
                    format!(
                        "新建天然气高压管道约{}公里及门站、调压站各1座。",
                        tenths_text(total / 80)
                    ),
                )
                .owner(format!("福清{}燃气有限公司", self.brand())),
            };
        }
        let sea = self.pick(&["兴化湾", "海坛海峡", "福清湾", "江阴湾"]);
        let phase = self.cn(1, 4);
        let mw = total / 150 / 10 * 10;
        let units = (mw / 10).max(5);
        Made::new(
            Kind::Energy,
            format!("福清{sea}海上风电场{phase}期项目"),
            format!("建设单机容量10兆瓦以上风电机组{units}台，总装机容量{mw}兆瓦，配套建设海上升压站及送出工程。"),
        )
        .owner(format!("福建{}海上风电有限公司", self.brand()))
    }

    fn water(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let coastal = if COASTAL.contains(&town) {
            (2_000, 100_000)
        } else {
            (0, 0)
        };
        let ranges = [
            (3_000, 100_000),
            (1_000, 100_000),
            coastal,
            (30_000, MAX),
            (10_000, 100_000),
            (800, 50_000),
            (60_000, MAX),
        ];
        match self.template(total, &ranges) {
            0 => Made::new(
                Kind::Water,
                format!("福清市{t}供水工程"),
                format!(
                    "新建日供水规模{}万吨水厂1座及配水管网约{}公里。",
                    tenths_text((total / 1_500).max(5)),
                    tenths_text(total / 100)
                ),
            ),
            1 => Made::new(
                Kind::Water,
                if LONGJIANG_TOWNS.contains(&town) {
                    format!("龙江（{t}段）综合治理工程")
                } else {
                    format!("{t}小流域综合治理工程")
                },
                format!(
                    "整治河道约{}公里，新建加固堤防{}公里，实施清淤疏浚及生态护岸。",
                    tenths_text(total / 300),
                    tenths_text(total / 500)
                ),
            ),
            2 => Made::new(
                Kind::Water,
                format!("{t}海堤加固工程"),
                format!(
                    "加固海堤约{}公里，新建排涝闸{}座，防潮标准提高至50年一遇。",
                    tenths_text(total / 400),
                    (total / 3_000).clamp(1, 6)
                ),
            ),
            3 => {
                let phase = self.cn(1, 4);
                Made::new(
                    Kind::Water,
                    format!("福清市城乡供水一体化{phase}期工程"),
                    format!(
                        "新建改造供水管网约{}公里、加压泵站{}座，实现城乡供水同网同质。",
                        total / 200,
                        (total / 10_000).clamp(2, 12)
                    ),
                )
                .county_wide()
            }
            4 => {
                let what = self.pick(&["城北", "城南", "江阴", "元洪", "东张"]);
                Made::new(
                    Kind::Water,
                    format!("福清市{what}水厂扩建工程"),
                    format!(
                        "扩建日供水规模{}万吨水厂1座及配套取水、输水管网。",
                        (total / 3_000).max(2)
                    ),
                )
            }
            5 => Made::new(
                Kind::Water,
                format!("{t}灌区续建配套与节水改造工程"),
                format!(
                    "改造灌溉渠道约{}公里及配套建筑物，改善灌溉面积{}亩。",
                    tenths_text(total / 50),
                    total * 2 / 10 * 10 + 500
                ),
            ),
            _ => {
                let phase = self.cn(1, 3);
                Made::new(
                    Kind::Water,
                    format!("龙江流域防洪排涝提升工程（{phase}期）"),
                    format!(
                        "新建加固堤防约{}公里、排涝泵站{}座，城区段防洪标准提高至50年一遇。",
                        tenths_text(total / 800),
                        (total / 15_000).clamp(2, 10)
                    ),
                )
                .county_wide()
            }
        }
    }

    fn park_infra(&mut self, total: i64, unit: usize) -> Made {
        let (_, park, _) = PARKS[(unit - U_PARK0).min(PARKS.len() - 1)];
        let ranges = [
            (3_000, MAX),
            (5_000, 200_000),
            (3_000, 60_000),
            (5_000, 100_000),
        ];
        match self.template(total, &ranges) {
            0 => {
                let area = self.pick(&["东区", "西区", "南区", "北区", "核心区", "拓展区", "二期"]);
                Made::new(
                    Kind::ParkInfra,
                    format!("{park}{area}基础设施配套工程"),
                    format!(
                        "建设片区道路约{}公里及给排水、电力、通信管网等配套设施。",
                        tenths_text(total / 400)
                    ),
                )
            }
            1 => {
                let phase = self.cn(1, 6);
                let area = self.area(total, 2500, 4000);
                Made::new(
                    Kind::ParkInfra,
                    format!("{park}标准化厂房建设项目（{phase}期）"),
                    format!("建设标准化厂房{area}及配套道路、停车场等设施。"),
                )
            }
            2 => Made::new(
                Kind::ParkInfra,
                format!("{park}工业污水处理厂扩建工程"),
                format!(
                    "扩建日处理规模{}万吨工业污水处理设施及配套管网。",
                    tenths_text((total / 500).max(5))
                ),
            )
            .industry("环保"),
            _ => {
                let area = self.area(total, 4000, 6000);
                Made::new(
                    Kind::ParkInfra,
                    format!("{park}人才公寓及配套服务中心"),
                    format!("总建筑面积{area}，建设人才公寓、邻里中心及配套商业设施。"),
                )
            }
        }
    }

    fn urban(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let ranges = [
            (2_000, 300_000),
            (50_000, MAX),
            (5_000, 300_000),
            (1_000, 50_000),
            (3_000, 100_000),
            (1_000, 30_000),
            (1_000, 20_000),
            (1_000, 50_000),
        ];
        match self.template(total, &ranges) {
            0 => {
                let area = self.area(total, 2000, 4000);
                Made::new(
                    Kind::Urban,
                    format!("福清市{t}{}片区城市更新项目", self.village()),
                    format!(
                        "实施片区老旧建筑改造、市政道路管网更新及公共空间提升，改造面积{area}。"
                    ),
                )
            }
            1 => {
                let village = self.village();
                let mu = self.mu(total, 200, 500);
                Made::new(
                    Kind::Urban,
                    format!("{t}{village}片区城中村改造项目"),
                    format!(
                        "征收改造城中村约{mu}亩，建设安置房{}套及配套学校、社区服务设施。",
                        (total / 80).max(100) / 10 * 10
                    ),
                )
            }
            2 => {
                let village = self.village();
                let area = self.area(total, 4000, 6000);
                Made::new(
                    Kind::Urban,
                    format!("福清市{}{village}安置房建设项目", short_town(town)),
                    format!(
                        "建设安置房{}套，总建筑面积{area}，配套地下车库及社区用房。",
                        (total / 60).max(50) / 10 * 10
                    ),
                )
            }
            3 => Made::new(
                Kind::Urban,
                format!("{t}老旧小区改造提升工程"),
                format!(
                    "改造老旧小区{}个，涉及{}户，实施管网更新、外立面整治、加装电梯等。",
                    (total / 800).clamp(2, 60),
                    (total / 5).max(100)
                ),
            ),
            4 => {
                let phase = self.cn(1, 5);
                Made::new(
                    Kind::Urban,
                    format!("龙江两岸景观提升工程（{phase}期）"),
                    format!(
                        "实施龙江沿岸绿道、亲水平台、夜景照明等景观提升，全长约{}公里。",
                        tenths_text(total / 500)
                    ),
                )
                .county_wide()
            }
            5 => {
                let name = self.pick(&[
                    "玉融", "利桥", "福唐", "融城", "龙江", "江滨", "元载", "音西",
                ]);
                Made::new(
                    Kind::Urban,
                    format!("福清市{name}公园建设工程"),
                    format!(
                        "建设公园约{}亩，含园路、广场、绿化及配套服务设施。",
                        (total / 30).max(20)
                    ),
                )
                .central()
            }
            6 => Made::new(
                Kind::Urban,
                format!("{t}公共停车场建设项目"),
                format!(
                    "建设公共停车场，提供停车泊位{}个，配套充电桩{}个。",
                    (total / 8).max(50),
                    (total / 40).max(10)
                ),
            ),
            _ => {
                let road = self.pick(&ROADS);
                Made::new(
                    Kind::Urban,
                    format!("福清市{road}综合提升工程"),
                    format!(
                        "实施{road}沿线立面改造、人行道铺装、管线下地及绿化提升，全长约{}公里。",
                        tenths_text(total / 150)
                    ),
                )
                .central()
            }
        }
    }

    fn education(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let area = self.area(total, 3500, 5500);
        let seats = (total / 6).clamp(90, 3000) / 10 * 10;
        let ranges = [
            (3_000, 60_000),
            (800, 10_000),
            (800, 8_000),
            (10_000, MAX),
            (1_500, 20_000),
            (30_000, MAX),
        ];
        match self.template(total, &ranges) {
            0 => {
                let n = self.cn(1, 12);
                Made::new(
                    Kind::Education,
                    format!("福清市第{n}中学扩建工程"),
                    format!("新建教学楼、实验楼及学生宿舍，总建筑面积{area}，新增学位{seats}个。"),
                )
                .central()
                .owner("福清市教育局".to_string())
            }
            1 => Made::new(
                Kind::Education,
                if STREETS.contains(&town) {
                    format!("福清市{}小学教学综合楼建设项目", short_town(town))
                } else {
                    format!("福清市{t}中心小学教学综合楼建设项目")
                },
                format!("新建教学综合楼，总建筑面积{area}，新增学位{seats}个。"),
            ),
            2 => Made::new(
                Kind::Education,
                format!("{t}中心幼儿园建设项目"),
                format!(
                    "建设{}个班幼儿园1所，总建筑面积{area}。",
                    (total / 300).clamp(6, 18)
                ),
            ),
            3 => {
                let name = self.pick(&[
                    "融城", "玉融", "龙江", "元洪", "江阴", "音西", "利桥", "福唐",
                ]);
                Made::new(
                    Kind::Education,
                    format!("福清市{name}实验学校建设项目"),
                    format!(
                        "建设九年一贯制学校1所，办学规模{}个班，总建筑面积{area}。",
                        (total / 400).clamp(18, 72)
                    ),
                )
                .central()
                .owner("福清市教育局".to_string())
            }
            4 => Made::new(
                Kind::Education,
                format!("{t}初级中学改扩建工程"),
                format!("改扩建教学楼、食堂及风雨操场，总建筑面积{area}，新增学位{seats}个。"),
            ),
            _ => Made::new(
                Kind::Education,
                "福清市职业中专学校新校区建设项目".to_string(),
                format!(
                    "新建实训楼、教学楼、学生公寓及体育场，总建筑面积{area}，办学规模{}人。",
                    seats.min(6000)
                ),
            )
            .central()
            .owner("福清市教育局".to_string()),
        }
    }

    fn health(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let area = self.area(total, 5000, 8000);
        let beds = (total / 80).clamp(20, 1200) / 10 * 10;
        let street = STREETS.contains(&town);
        let ranges = [
            (8_000, MAX),
            (5_000, 100_000),
            if street { (0, 0) } else { (800, 8_000) },
            if street { (800, 5_000) } else { (0, 0) },
            (30_000, MAX),
            (10_000, 150_000),
        ];
        match self.template(total, &ranges) {
            0 => {
                let what = self.pick(&["外科", "门急诊", "医技", "住院", "传染病区"]);
                Made::new(
                    Kind::Health,
                    format!("福清市医院{what}综合楼建设项目"),
                    format!("新建{what}综合楼，总建筑面积{area}，新增床位{beds}张。"),
                )
                .central()
                .owner("福清市医院".to_string())
            }
            1 => {
                let what = self.pick(&["门诊综合楼", "康复大楼", "住院楼"]);
                Made::new(
                    Kind::Health,
                    format!("福清市中医院{what}建设项目"),
                    format!("新建{what}，总建筑面积{area}，配套医疗设备购置。"),
                )
                .central()
                .owner("福清市中医院".to_string())
            }
            2 => Made::new(
                Kind::Health,
                format!("{t}卫生院改扩建工程"),
                format!(
                    "改扩建业务用房{area}，配套医疗设备，设置床位{}张。",
                    beds.min(100)
                ),
            ),
            3 => Made::new(
                Kind::Health,
                format!("{t}社区卫生服务中心建设项目"),
                format!("新建社区卫生服务中心业务用房{area}，配置全科诊疗、康复、预防保健等功能。"),
            ),
            5 => {
                let place = self.pick(&[
                    "城南", "城北", "江阴", "龙田", "渔溪", "高山", "新厝", "东张",
                ]);
                Made::new(
                    Kind::Health,
                    format!("福清市{place}区域医疗中心建设项目"),
                    format!("总建筑面积{area}，设置床位{beds}张，建设门急诊楼、医技楼、住院楼及配套设施。"),
                )
                .owner("福清市卫生健康局".to_string())
            }
            _ => Made::new(
                Kind::Health,
                "福清市妇幼保健院新院建设项目".to_string(),
                format!("总建筑面积{area}，设置床位{beds}张，建设门诊医技楼、住院楼及配套设施。"),
            )
            .central()
            .owner("福清市妇幼保健院".to_string()),
        }
    }

    fn welfare(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let area = self.area(total, 4000, 6000);
        let ranges = [
            (500, 8_000),
            (3_000, 40_000),
            (5_000, MAX),
            (10_000, MAX),
            (500, 3_000),
            (500, 5_000),
        ];
        match self.template(total, &ranges) {
            0 => Made::new(
                Kind::Welfare,
                format!("{t}敬老院改造提升工程"),
                format!(
                    "改造提升养老用房{area}，设置养老床位{}张，配套医养结合服务设施。",
                    (total / 50).clamp(30, 500) / 10 * 10
                ),
            ),
            1 => {
                let what = self.pick(&["全民健身中心", "体育馆", "游泳馆", "体育公园"]);
                Made::new(
                    Kind::Welfare,
                    format!("福清市{what}建设项目"),
                    format!("总建筑面积{area}，建设{what}及配套停车、绿化设施。"),
                )
                .central()
                .owner("福清市文化体育和旅游局".to_string())
            }
            2 => {
                let what = self.pick(&["图书馆新馆", "文化艺术中心", "档案馆新馆", "博物馆"]);
                Made::new(
                    Kind::Welfare,
                    format!("福清市{what}建设项目"),
                    format!("总建筑面积{area}，建设{what}及配套设施。"),
                )
                .central()
                .owner("福清市文化体育和旅游局".to_string())
            }
            3 => {
                let phase = self.cn(1, 6);
                Made::new(
                    Kind::Welfare,
                    format!("福清市保障性租赁住房项目（{phase}期）"),
                    format!(
                        "建设保障性租赁住房{}套，总建筑面积{area}。",
                        (total / 50).max(100) / 10 * 10
                    ),
                )
                .central()
                .owner("福清市住房和城乡建设局".to_string())
            }
            4 => Made::new(
                Kind::Welfare,
                format!("{t}综合文化站建设工程"),
                format!("新建综合文化站{area}，设置多功能活动厅、图书阅览室及文化广场。"),
            ),
            _ => Made::new(
                Kind::Welfare,
                format!("{t}便民服务中心建设项目"),
                format!("新建便民服务中心{area}，集中设置政务服务、社会救助、就业服务等窗口。"),
            ),
        }
    }

    fn eco(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let ranges = [
            (1_000, 30_000),
            (3_000, 80_000),
            (300, 30_000),
            (2_000, MAX),
            if RURAL.contains(&town) {
                (500, 20_000)
            } else {
                (0, 0)
            },
            if COASTAL.contains(&town) {
                (1_000, 50_000)
            } else {
                (0, 0)
            },
            (300, 10_000),
            (50_000, MAX),
        ];
        match self.template(total, &ranges) {
            0 => Made::new(
                Kind::Eco,
                format!("{t}污水处理厂提标改造工程"),
                format!(
                    "将污水处理厂出水标准由一级B提升至一级A，日处理规模{}万吨。",
                    tenths_text((total / 300).max(5))
                ),
            ),
            1 => {
                let phase = self.cn(1, 3);
                Made::new(
                    Kind::Eco,
                    format!("{t}污水处理厂{phase}期工程"),
                    format!(
                        "新建日处理规模{}万吨污水处理厂及配套管网约{}公里。",
                        tenths_text((total / 600).max(5)),
                        tenths_text(total / 200)
                    ),
                )
            }
            2 => Made::new(
                Kind::Eco,
                format!("{t}污水管网完善工程"),
                format!(
                    "新建污水管网约{}公里，实施雨污分流改造。",
                    tenths_text(total / 100)
                ),
            ),
            3 => Made::new(
                Kind::Eco,
                if LONGJIANG_TOWNS.contains(&town) {
                    format!("龙江（{t}段）水环境综合整治工程")
                } else {
                    format!("{t}内河水环境综合整治工程")
                },
                format!(
                    "实施截污纳管、清淤疏浚、生态补水及岸线景观提升，整治河道约{}公里。",
                    tenths_text(total / 300)
                ),
            ),
            4 => Made::new(
                Kind::Eco,
                format!("{t}农村生活污水提升治理工程"),
                format!(
                    "完成{}个行政村生活污水提升治理，新建管网约{}公里。",
                    (total / 200).clamp(3, 30),
                    tenths_text(total / 80)
                ),
            ),
            5 => Made::new(
                Kind::Eco,
                format!("{t}滨海湿地生态修复工程"),
                format!(
                    "修复滨海湿地约{}亩，种植红树林，实施岸线整治及生态监测。",
                    (total / 10).max(50)
                ),
            ),
            6 => Made::new(
                Kind::Eco,
                format!("{t}废弃矿山生态修复工程"),
                format!(
                    "修复废弃矿山约{}亩，实施边坡治理、覆土复绿及排水设施建设。",
                    (total / 20).max(20)
                ),
            ),
            _ => Made::new(
                Kind::Eco,
                "福清市生活垃圾焚烧发电厂扩建工程".to_string(),
                format!(
                    "新增日处理生活垃圾{}吨焚烧线及配套余热发电、烟气净化设施。",
                    (total / 50).clamp(300, 2000) / 50 * 50
                ),
            )
            .county_wide(),
        }
    }

    fn agri(&mut self, total: i64, town: usize) -> Made {
        let t = TOWNS[town];
        let crop = match town {
            23 => "枇杷",
            21 | 22 => "茶叶",
            13 | 14 | 16 => "水产",
            _ => "蔬菜",
        };
        let ranges = [
            (1_000, MAX),
            (300, 5_000),
            (300, 3_000),
            (2_000, MAX),
            if COASTAL.contains(&town) {
                (2_000, MAX)
            } else {
                (0, 0)
            },
            (300, 5_000),
            (500, 20_000),
        ];
        match self.template(total, &ranges) {
            0 => Made::new(
                Kind::Agri,
                format!("{t}乡村振兴示范片区建设"),
                format!(
                    "围绕{}村等{}个村，实施人居环境整治、特色产业培育、村道及公共服务设施提升。",
                    self.village(),
                    (total / 500).clamp(3, 12)
                ),
            ),
            1 => Made::new(
                Kind::Agri,
                format!("{t}高标准农田建设项目"),
                format!(
                    "建设高标准农田{}亩，配套灌排渠系、田间道路等设施。",
                    (total * 10 / 3).max(500) / 100 * 100
                ),
            ),
            2 => {
                let village = self.village();
                Made::new(
                    Kind::Agri,
                    format!("{t}{village}村美丽乡村建设项目"),
                    "实施村庄立面整治、污水治理、绿化美化及公共空间提升。".to_string(),
                )
            }
            3 => Made::new(
                Kind::Agri,
                format!("{t}{crop}现代农业产业园"),
                format!(
                    "建设{crop}标准化生产基地{}亩及加工、冷链配套设施。",
                    (total / 5).max(100) / 10 * 10
                ),
            ),
            4 => Made::new(
                Kind::Agri,
                format!("{t}渔港建设工程"),
                format!(
                    "新建防波堤约{}米、码头泊位{}个及渔港配套设施。",
                    (total / 20).clamp(100, 1500),
                    (total / 2_000).clamp(2, 20)
                ),
            ),
            5 => Made::new(
                Kind::Agri,
                format!("{t}农产品冷链物流设施建设项目"),
                format!(
                    "建设产地冷藏保鲜库{}吨及分拣包装配套设施。",
                    (total * 2).max(500) / 100 * 100
                ),
            ),
            _ => Made::new(
                Kind::Agri,
                format!("{t}设施农业示范基地"),
                format!(
                    "建设智能温室、育苗中心等设施农业{}亩，配套水肥一体化设施。",
                    (total / 20).max(50)
                ),
            ),
        }
    }
}

/// 项目业主 for a project whose name gave none: the state firm or park itself, or the town's government.
fn owner_of(unit: usize, town: usize) -> String {
    if (U_SOE0..U_SOE0 + STATE_FIRMS.len()).contains(&unit) {
        STATE_FIRMS[unit - U_SOE0].to_string()
    } else if (U_PARK0..U_TOWN0).contains(&unit) {
        PARKS[unit - U_PARK0].0.to_string()
    } else if STREETS.contains(&town) {
        format!("{COUNTY}{}办事处", TOWNS[town])
    } else {
        format!("{COUNTY}{}人民政府", TOWNS[town])
    }
}

/// A 64-bit FNV-1a hash of a name: the same on every platform and Rust release, so which names
/// get a suffix never changes. (Two names colliding would only add a needless suffix.)
fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn ordered_sources(chosen: &[&str]) -> Vec<String> {
    domain::project::FUNDING_SOURCES
        .iter()
        .filter(|s| chosen.contains(s))
        .map(|s| (*s).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::project::{CATEGORIES, FUNDING_SOURCES, KNOWN_TAGS};

    fn wan(m: Option<Money>) -> i64 {
        m.unwrap().fen() / 1_000_000
    }

    #[test]
    fn the_same_seed_gives_the_same_ledger() {
        let a = campaign(300, 7);
        let b = campaign(300, 7);
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let c = campaign(300, 8);
        assert_ne!(a.ledger.projects, c.ledger.projects);
        assert_eq!(demo_campaign(), campaign(DEMO_PROJECTS, DEMO_SEED));
    }

    #[test]
    fn the_demo_is_fuqing_2025() {
        let c = demo_campaign();
        assert_eq!(c.name, "福清市2025年项目攻坚行动");
        assert_eq!(c.year, 2025);
        assert_eq!(c.ledger.projects.len(), 701);
        assert_eq!(c.ledger.regions[0].code.as_deref(), Some("350181"));
        assert!(domain::RegionCode::parse("350181").is_ok());
        assert_eq!(c.ledger.regions[0].parent, None);
        assert!(
            c.ledger.regions[1..]
                .iter()
                .all(|r| r.code.is_none() && r.parent == Some(0))
        );
        assert!(c.ledger.regions.len() >= 24);
        let kinds = |k| c.ledger.units.iter().filter(|u| u.kind == k).count();
        assert!(kinds(UnitKind::Park) + kinds(UnitKind::Town) + kinds(UnitKind::StateFirm) >= 12);
        assert!(kinds(UnitKind::Department) >= 6);
        assert!(kinds(UnitKind::StateFirm) >= 3 && kinds(UnitKind::Park) >= 4);
        for u in &c.ledger.units {
            let region = u.region.unwrap();
            assert!(region < c.ledger.regions.len());
            assert_eq!(UnitKind::guess(&u.name), u.kind, "{}", u.name);
        }
        let names: HashSet<&str> = c.ledger.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names.len(), c.ledger.units.len());
    }

    #[test]
    fn users_cover_every_role() {
        let c = demo_campaign();
        for role in Role::ALL {
            assert!(c.ledger.users.iter().any(|u| u.role == *role), "{role:?}");
        }
        let admin = c
            .ledger
            .users
            .iter()
            .find(|u| u.username == "admin")
            .unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert_eq!(c.ledger.units[admin.unit].name, "福清市发展和改革局");
        let usernames: HashSet<&str> = c.ledger.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(usernames.len(), c.ledger.users.len());
        for u in &c.ledger.users {
            assert!(u.unit < c.ledger.units.len());
            assert!(u.username.is_ascii());
            assert!(!u.display_name.is_ascii());
        }
    }

    #[test]
    fn every_project_passes_check() {
        for seed in [DEMO_SEED, 1, 42, 9999] {
            let c = campaign(DEMO_PROJECTS, seed);
            for p in &c.ledger.projects {
                let errors = p.fields.check();
                assert!(errors.is_empty(), "{}: {errors:?}", p.fields.name);
            }
        }
    }

    #[test]
    fn indices_are_in_range_and_leads_are_departments() {
        let c = demo_campaign();
        for p in &c.ledger.projects {
            assert!(p.unit < c.ledger.units.len());
            assert!(p.region < c.ledger.regions.len());
            assert_eq!(
                c.ledger.units[p.lead_department].kind,
                UnitKind::Department,
                "{}",
                p.fields.name
            );
            assert_ne!(
                c.ledger.units[p.unit].kind,
                UnitKind::Department,
                "{}",
                p.fields.name
            );
            assert!(
                p.fields.unit_id.is_none()
                    && p.fields.lead_department_id.is_none()
                    && p.fields.region_id.is_none()
            );
        }
        let leads: HashSet<usize> = c
            .ledger
            .projects
            .iter()
            .map(|p| p.lead_department)
            .collect();
        assert!(leads.len() >= 6);
        let units: HashSet<usize> = c.ledger.projects.iter().map(|p| p.unit).collect();
        assert!(units.len() >= 12);
    }

    #[test]
    fn codes_and_names_are_unique() {
        let c = demo_campaign();
        let codes: HashSet<&str> = c
            .ledger
            .projects
            .iter()
            .map(|p| p.fields.code.as_deref().unwrap())
            .collect();
        assert_eq!(codes.len(), 701);
        assert_eq!(
            c.ledger.projects[0].fields.code.as_deref(),
            Some("FQ2025-0001")
        );
        let names: HashSet<&str> = c
            .ledger
            .projects
            .iter()
            .map(|p| p.fields.name.as_str())
            .collect();
        assert_eq!(names.len(), 701);

        let big = campaign(20_000, 3);
        let codes: HashSet<&str> = big
            .ledger
            .projects
            .iter()
            .map(|p| p.fields.code.as_deref().unwrap())
            .collect();
        assert_eq!(codes.len(), 20_000);
        assert_eq!(
            big.ledger.projects[0].fields.code.as_deref(),
            Some("FQ2025-00001")
        );
    }

    #[test]
    fn every_stage_is_present_in_a_believable_mix() {
        let c = demo_campaign();
        let count = |s: Stage| {
            c.ledger
                .projects
                .iter()
                .filter(|p| p.fields.stage == Some(s))
                .count()
        };
        for s in Stage::ALL {
            assert!(count(*s) > 0, "{s:?}");
        }
        assert!(count(Stage::UnderConstruction) > count(Stage::Planning));
        assert!(count(Stage::UnderConstruction) > count(Stage::InProduction));
        let levels = |l: Level| {
            c.ledger
                .projects
                .iter()
                .filter(|p| p.fields.level == Some(l))
                .count()
        };
        assert!(levels(Level::Provincial) > 0);
        assert!(levels(Level::City) > levels(Level::Provincial));
        assert!(levels(Level::County) > levels(Level::City));
    }

    #[test]
    fn sizes_mix_like_the_seeds() {
        let c = demo_campaign();
        let totals: Vec<i64> = c
            .ledger
            .projects
            .iter()
            .map(|p| wan(p.fields.total_investment))
            .collect();
        let at_least = |w: i64| totals.iter().filter(|t| **t >= w).count();
        assert!(
            (3..=6).contains(&at_least(1_000_000)),
            "{}",
            at_least(1_000_000)
        );
        assert!(
            (20..=40).contains(&at_least(200_000)),
            "{}",
            at_least(200_000)
        );
        assert!(totals.iter().filter(|t| **t < 50_000).count() >= 300);
        let yi: i64 = totals.iter().sum::<i64>() / 10_000;
        assert!((1_500..=3_000).contains(&yi), "{yi} 亿元");
    }

    #[test]
    fn amounts_dates_and_tags_are_consistent() {
        let c = demo_campaign();
        for p in &c.ledger.projects {
            let f = &p.fields;
            let total = f.total_investment.unwrap();
            let plan = f.annual_plan.unwrap();
            assert!(plan <= total && !plan.is_negative());
            assert!(
                plan.fen() * 100 >= total.fen() * 9 && plan.fen() * 10 <= total.fen() * 6,
                "{}",
                f.name
            );
            assert_eq!(
                f.tags.iter().any(|t| t == "亿元以上"),
                wan(Some(total)) >= 10_000,
                "{}",
                f.name
            );
            assert!(f.tags.iter().all(|t| KNOWN_TAGS.contains(&t.as_str())));
            assert!((1..=3).contains(&f.funding_sources.len()));
            assert!(
                f.funding_sources
                    .iter()
                    .all(|s| FUNDING_SOURCES.contains(&s.as_str()))
            );
            assert!(CATEGORIES.contains(&f.category.as_deref().unwrap()));
            let industrial = f.category.as_deref() == Some("产业项目");
            assert_eq!(f.expected_output.is_some(), industrial);
            assert_eq!(f.expected_jobs.is_some(), industrial);
            if industrial {
                assert!(f.industry.is_some());
            }
            let (ps, pe) = (f.period_start.unwrap(), f.period_end.unwrap());
            assert!((1..=5).contains(&(pe.year() - ps.year() + 1)), "{}", f.name);
            let start = f.planned_start.unwrap();
            assert!(
                ps <= start
                    && f.planned_completion.unwrap() <= pe
                    && start <= f.planned_completion.unwrap()
            );
            let y = 2025;
            match f.stage.unwrap() {
                Stage::Planning | Stage::PreWork => assert!(f.actual_start.is_none()),
                Stage::ToStart => {
                    assert_eq!(start.year(), y);
                    assert!(f.actual_completion.is_none());
                }
                Stage::UnderConstruction => {
                    assert!(f.actual_start.unwrap().year() <= y);
                    assert!(f.actual_completion.is_none());
                    assert!(f.planned_completion.unwrap().year() > y);
                }
                Stage::ToComplete => assert_eq!(f.planned_completion.unwrap().year(), y),
                Stage::Completed => assert!(f.actual_completion.unwrap().year() == y),
                Stage::InProduction => {
                    assert!(f.actual_production.unwrap() >= f.actual_completion.unwrap());
                }
            }
        }
        let with_actual_start = c
            .ledger
            .projects
            .iter()
            .filter(|p| p.fields.stage == Some(Stage::ToStart) && p.fields.actual_start.is_some())
            .count();
        assert!(with_actual_start > 0);
    }

    #[test]
    fn proportions_hold_at_any_size() {
        let c = campaign(20_000, 11);
        let n = c.ledger.projects.len() as f64;
        let share = |w: i64| {
            c.ledger
                .projects
                .iter()
                .filter(|p| wan(p.fields.total_investment) >= w)
                .count() as f64
                / n
        };
        assert!((share(1_000_000) - 5.0 / 701.0).abs() < 0.002);
        assert!((share(200_000) - 27.0 / 701.0).abs() < 0.005);
        for p in c.ledger.projects.iter().step_by(97) {
            assert!(p.fields.check().is_empty());
        }
        assert!(campaign(0, 1).ledger.projects.is_empty());
        assert_eq!(campaign(1, 1).ledger.projects.len(), 1);
        assert_eq!(campaign(7, 1).ledger.projects.len(), 7);
    }

    #[test]
    #[ignore = "timing; run with --release -- --ignored --nocapture"]
    fn generates_200k_quickly() {
        let started = std::time::Instant::now();
        let c = campaign(200_000, DEMO_SEED);
        let elapsed = started.elapsed();
        println!("200,000 projects in {elapsed:?}");
        assert_eq!(c.ledger.projects.len(), 200_000);
    }

    #[test]
    #[ignore = "prints the demo's distribution"]
    fn print_distribution() {
        let c = demo_campaign();
        for s in Stage::ALL {
            println!(
                "{} {}",
                s.label_zh(),
                c.ledger
                    .projects
                    .iter()
                    .filter(|p| p.fields.stage == Some(*s))
                    .count()
            );
        }
        let totals: Vec<i64> = c
            .ledger
            .projects
            .iter()
            .map(|p| wan(p.fields.total_investment))
            .collect();
        for (lo, hi, _) in BANDS {
            println!(
                "{lo}..{hi} 万元: {}",
                totals.iter().filter(|t| **t >= lo && **t < hi).count()
            );
        }
        for (lo, hi, _) in BANDS {
            println!(
                "{lo}..{hi} 万元: {} 亿元",
                totals.iter().filter(|t| **t >= lo && **t < hi).sum::<i64>() / 10_000
            );
        }
        println!("total {} 亿元", totals.iter().sum::<i64>() / 10_000);
        let plan: i64 = c
            .ledger
            .projects
            .iter()
            .map(|p| wan(p.fields.annual_plan))
            .sum();
        println!("annual plan {} 亿元", plan / 10_000);
        for seed in 1..=8 {
            let other = campaign(DEMO_PROJECTS, seed);
            let t: Vec<i64> = other
                .ledger
                .projects
                .iter()
                .map(|p| wan(p.fields.total_investment))
                .collect();
            println!(
                "seed {seed}: {} 亿元, ≥100亿 {}, ≥20亿 {}",
                t.iter().sum::<i64>() / 10_000,
                t.iter().filter(|x| **x >= 1_000_000).count(),
                t.iter().filter(|x| **x >= 200_000).count()
            );
        }
        for cat in CATEGORIES {
            println!(
                "{cat} {}",
                c.ledger
                    .projects
                    .iter()
                    .filter(|p| p.fields.category.as_deref() == Some(*cat))
                    .count()
            );
        }
        for p in c.ledger.projects.iter().step_by(35) {
            let f = &p.fields;
            println!(
                "{} {} | {} | {:?} | {} | {} | {} | {:?} | {:?}",
                f.code.as_deref().unwrap_or(""),
                f.name,
                f.content.as_deref().unwrap_or(""),
                f.stage,
                f.total_investment.unwrap().wan_string(),
                c.ledger.units[p.unit].name,
                c.ledger.units[p.lead_department].name,
                f.tags,
                f.funding_sources
            );
            println!(
                "    {:?} {:?} | {:?}..{:?} | ps {:?} pc {:?} pp {:?} | as {:?} ac {:?} ap {:?} | plan {} | {:?} | {:?} | {:?} | {:?} | {:?} {:?} {:?} | {} | {:?}",
                f.level,
                f.industry,
                f.period_start,
                f.period_end,
                f.planned_start,
                f.planned_completion,
                f.planned_production,
                f.actual_start,
                f.actual_completion,
                f.actual_production,
                f.annual_plan.unwrap().wan_string(),
                f.location,
                f.owner,
                f.linked_leader,
                f.service_officer,
                f.expected_output.map(|m| m.wan_string()),
                f.expected_tax.map(|m| m.wan_string()),
                f.expected_jobs,
                c.ledger.regions[p.region].name,
                f.remarks
            );
        }
    }
}
