//! 项目拉练 (issue 19 §4): a tour visits projects and each member of its committee scores each
//! project on the tour's criteria (by default 看块头, 看效益, 看前景), 0 to 100 each. A member's
//! score of a project is the weighted mean of their criteria; a project's score the mean of its
//! members' scores — with five or more, the highest and the lowest left out, as 评委 do; a
//! unit's score the mean of its projects'. Ranks share ties (1, 2, 2, 4).

use std::collections::BTreeMap;

use crate::{Bilingual, bi};

/// A criterion and its weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub name: String,
    pub weight: u32,
}

/// The criteria a tour scores on unless it sets its own.
pub fn default_criteria() -> Vec<Criterion> {
    [("看块头", 40), ("看效益", 30), ("看前景", 30)]
        .map(|(name, weight)| Criterion {
            name: name.to_string(),
            weight,
        })
        .to_vec()
}

/// Reads criteria as an office types them: "看块头 40、看效益 30、看前景 30" (a name and a weight
/// each, separated by 、，, ; or new lines).
pub fn parse_criteria(text: &str) -> Result<Vec<Criterion>, Bilingual> {
    let mut out: Vec<Criterion> = Vec::new();
    for item in text
        .split(['、', '，', ',', '；', ';', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let half = crate::text::to_half_width(item);
        let digits_at = half
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i);
        let (name, weight) = match digits_at {
            Some(i) => (half[..i].trim(), half[i..].trim().trim_end_matches('%')),
            None => (half.trim(), ""),
        };
        let weight: u32 = weight.parse().map_err(|_| {
            bi(
                format!("评分项“{item}”缺少权重（如“看块头 40”）"),
                format!("the criterion “{item}” has no weight (as in “看块头 40”)"),
            )
        })?;
        if name.is_empty() || weight == 0 {
            return Err(bi(
                format!("评分项“{item}”应有名称和大于 0 的权重"),
                format!("the criterion “{item}” needs a name and a weight above 0"),
            ));
        }
        if out.iter().any(|c| c.name == name) {
            return Err(bi(
                format!("评分项“{name}”重复"),
                format!("the criterion “{name}” is listed twice"),
            ));
        }
        out.push(Criterion {
            name: name.to_string(),
            weight,
        });
    }
    if out.is_empty() {
        return Err(bi("请至少设置一个评分项", "set at least one criterion"));
    }
    Ok(out)
}

/// Criteria written back as [`parse_criteria`] reads them.
pub fn criteria_text(criteria: &[Criterion]) -> String {
    criteria
        .iter()
        .map(|c| format!("{} {}", c.name, c.weight))
        .collect::<Vec<_>>()
        .join("、")
}

/// Checks one score: 0 to 100.
pub fn check_score(score: f64) -> Result<(), Bilingual> {
    if score.is_finite() && (0.0..=100.0).contains(&score) {
        Ok(())
    } else {
        Err(bi(
            format!("评分 {score} 应在 0 到 100 之间"),
            format!("the score {score} must be from 0 to 100"),
        ))
    }
}

/// One member's score of one project on one criterion (its index in the tour's criteria).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub member: String,
    pub project: i64,
    pub criterion: usize,
    pub score: f64,
}

/// A project's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectResult {
    pub project: i64,
    /// Members who scored every criterion.
    pub members: usize,
    /// `None` until a member has scored every criterion.
    pub score: Option<f64>,
    pub rank: Option<usize>,
}

/// A group's (a unit's) result: the mean of its projects' scores.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    pub group: String,
    pub projects: usize,
    pub score: Option<f64>,
    pub rank: Option<usize>,
}

/// The mean, leaving out the highest and the lowest when there are five or more.
fn trimmed_mean(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let kept = if values.len() >= 5 {
        &values[1..values.len() - 1]
    } else {
        &values[..]
    };
    Some(kept.iter().sum::<f64>() / kept.len() as f64)
}

/// Ranks by score, highest first, ties sharing a rank; `None` for no score.
fn ranks(scores: &[Option<f64>]) -> Vec<Option<usize>> {
    // Compared at two decimals, as the table prints them.
    let key = |s: f64| (s * 100.0).round() as i64;
    scores
        .iter()
        .map(|s| {
            s.map(|s| {
                1 + scores
                    .iter()
                    .flatten()
                    .filter(|o| key(**o) > key(s))
                    .count()
            })
        })
        .collect()
}

/// Every project of `projects` with its score and rank from `marks`.
pub fn score_projects(
    criteria: &[Criterion],
    projects: &[i64],
    marks: &[Mark],
) -> Vec<ProjectResult> {
    let total_weight: u32 = criteria.iter().map(|c| c.weight).sum();
    let mut by_member: BTreeMap<(i64, &str), Vec<Option<f64>>> = BTreeMap::new();
    for m in marks {
        if m.criterion >= criteria.len() {
            continue;
        }
        let row = by_member
            .entry((m.project, m.member.as_str()))
            .or_insert_with(|| vec![None; criteria.len()]);
        row[m.criterion] = Some(m.score);
    }
    let results: Vec<(i64, usize, Option<f64>)> = projects
        .iter()
        .map(|&project| {
            let totals: Vec<f64> = by_member
                .range((project, "")..)
                .take_while(|((p, _), _)| *p == project)
                .filter_map(|(_, row)| {
                    let all: Option<Vec<f64>> = row.iter().copied().collect();
                    let all = all?;
                    let weighted: f64 = all
                        .iter()
                        .zip(criteria)
                        .map(|(s, c)| s * f64::from(c.weight))
                        .sum();
                    (total_weight > 0).then(|| weighted / f64::from(total_weight))
                })
                .collect();
            (project, totals.len(), trimmed_mean(totals))
        })
        .collect();
    let rank = ranks(&results.iter().map(|r| r.2).collect::<Vec<_>>());
    results
        .into_iter()
        .zip(rank)
        .map(|((project, members, score), rank)| ProjectResult {
            project,
            members,
            score,
            rank,
        })
        .collect()
}

/// Groups (units) by the mean of their scored projects, ranked.
pub fn score_groups(results: &[(String, Option<f64>)]) -> Vec<GroupResult> {
    let mut groups: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (group, score) in results {
        *counts.entry(group).or_default() += 1;
        let scores = groups.entry(group).or_default();
        if let Some(s) = score {
            scores.push(*s);
        }
    }
    let scored: Vec<(String, usize, Option<f64>)> = groups
        .into_iter()
        .map(|(g, scores)| {
            let mean =
                (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
            (g.to_string(), counts.get(g).copied().unwrap_or(0), mean)
        })
        .collect();
    let rank = ranks(&scored.iter().map(|g| g.2).collect::<Vec<_>>());
    let mut out: Vec<GroupResult> = scored
        .into_iter()
        .zip(rank)
        .map(|((group, projects, score), rank)| GroupResult {
            group,
            projects,
            score,
            rank,
        })
        .collect();
    out.sort_by_key(|g| (g.rank.unwrap_or(usize::MAX), g.group.clone()));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn mark(member: &str, project: i64, scores: [f64; 3]) -> Vec<Mark> {
        scores
            .iter()
            .enumerate()
            .map(|(criterion, score)| Mark {
                member: member.into(),
                project,
                criterion,
                score: *score,
            })
            .collect()
    }

    #[test]
    fn criteria_read_as_typed() {
        let c = parse_criteria("看块头 40、看效益３０，看前景 30%").unwrap();
        assert_eq!(criteria_text(&c), "看块头 40、看效益 30、看前景 30");
        assert_eq!(c, default_criteria());
        for bad in ["看块头", "看块头 0", "看块头 40、看块头 20", ""] {
            assert!(parse_criteria(bad).is_err(), "{bad}");
        }
        assert!(check_score(100.0).is_ok());
        assert!(check_score(-1.0).is_err());
        assert!(check_score(f64::NAN).is_err());
    }

    /// Each case: the members' marks (看块头, 看效益, 看前景) of project 1, its expected score.
    #[test]
    fn a_project_is_the_weighted_mean_of_its_members() {
        let c = default_criteria();
        let cases: Vec<(Vec<[f64; 3]>, Option<f64>)> = vec![
            (vec![], None),
            // 40% × 90 + 30% × 80 + 30% × 70 = 81.
            (vec![[90.0, 80.0, 70.0]], Some(81.0)),
            (vec![[90.0, 80.0, 70.0], [70.0, 70.0, 70.0]], Some(75.5)),
            // Five members: the highest (100) and the lowest (50) are left out.
            (
                vec![
                    [100.0, 100.0, 100.0],
                    [80.0, 80.0, 80.0],
                    [80.0, 80.0, 80.0],
                    [90.0, 90.0, 90.0],
                    [50.0, 50.0, 50.0],
                ],
                Some(250.0 / 3.0),
            ),
        ];
        for (members, want) in cases {
            let marks: Vec<Mark> = members
                .iter()
                .enumerate()
                .flat_map(|(i, m)| mark(&format!("委员{i}"), 1, *m))
                .collect();
            let got = score_projects(&c, &[1], &marks)[0].score;
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{members:?}: {g}"),
                _ => assert_eq!(got, want, "{members:?}"),
            }
        }
        // A member who scored only part of the criteria does not count yet.
        let mut partial = mark("甲", 1, [90.0, 80.0, 70.0]);
        partial.pop();
        assert_eq!(score_projects(&c, &[1], &partial)[0].members, 0);
    }

    #[test]
    fn projects_and_units_rank_with_shared_ties() {
        let c = default_criteria();
        let mut marks = mark("甲", 1, [90.0, 90.0, 90.0]);
        marks.extend(mark("甲", 2, [80.0, 80.0, 80.0]));
        marks.extend(mark("甲", 3, [90.0, 90.0, 90.0]));
        let r = score_projects(&c, &[1, 2, 3, 4], &marks);
        let ranks: Vec<Option<usize>> = r.iter().map(|p| p.rank).collect();
        assert_eq!(ranks, [Some(1), Some(3), Some(1), None]);
        let units = score_groups(&[
            ("龙田镇".into(), Some(90.0)),
            ("龙田镇".into(), Some(80.0)),
            ("江阴镇".into(), Some(90.0)),
            ("江镜镇".into(), None),
        ]);
        let got: Vec<(&str, Option<usize>, usize)> = units
            .iter()
            .map(|u| (u.group.as_str(), u.rank, u.projects))
            .collect();
        assert_eq!(
            got,
            [
                ("江阴镇", Some(1), 1),
                ("龙田镇", Some(2), 2),
                ("江镜镇", None, 1)
            ]
        );
    }
}
