//! Charts drawn on the server as SVG with plotters (no font backend: the browser draws the
//! Chinese text with the system's fonts). Only labels written here reach the charts, never
//! user text.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const BLUE: RGBColor = RGBColor(0x1f, 0x4e, 0x99);
const ORANGE: RGBColor = RGBColor(0xc5, 0x67, 0x1a);
const GREY: RGBColor = RGBColor(0x6b, 0x77, 0x85);
const FONT: &str = "sans-serif";

/// What a chart labels, in the page's language.
pub struct InvestmentLabels<'a> {
    pub month: &'a str,
    pub unit: &'a str,
    pub monthly: &'a str,
    pub cumulative: &'a str,
    pub planned: &'a str,
}

/// Where the investment chart writes its values, in a chart `top` high: each month's amount
/// above its bar, the running total above its point (a line higher where it would meet the
/// bar's label; none where it is the bar's own amount, as in the first month).
fn value_labels(
    monthly_yi: &[(u32, f64)],
    cumulative: &[(u32, f64)],
    top: f64,
) -> Vec<(u32, f64, String, &'static RGBColor)> {
    let value = |v: f64| format!("{v:.1}");
    let above = top * 0.015;
    // A line of text is about 6% of the plot's height.
    let line = top * 0.06;
    let mut labels: Vec<(u32, f64, String, &'static RGBColor)> = monthly_yi
        .iter()
        .map(|(m, v)| (*m, v + above, value(*v), &BLUE))
        .collect();
    for (m, v) in cumulative {
        let bar: f64 = monthly_yi
            .iter()
            .filter(|(x, _)| x == m)
            .map(|(_, b)| b)
            .sum();
        if value(*v) == value(bar) {
            continue;
        }
        let y = if (v - bar).abs() < line {
            bar + line
        } else {
            *v
        };
        labels.push((*m, y + above, value(*v), &ORANGE));
    }
    labels
}

/// Investment completed each month (bars), its running total (line) and the plan's 序时 line
/// (dashed), in 亿元, for months 1–12.
pub fn investment_by_month(
    monthly_yi: &[(u32, f64)],
    plan_yi: f64,
    labels: &InvestmentLabels<'_>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut running = 0.0;
        let cumulative: Vec<(u32, f64)> = (1..=12)
            .filter(|m| monthly_yi.iter().any(|(x, _)| x == m))
            .map(|m| {
                running += monthly_yi
                    .iter()
                    .filter(|(x, _)| *x == m)
                    .map(|(_, v)| v)
                    .sum::<f64>();
                (m, running)
            })
            .collect();
        let top = plan_yi.max(running).max(1.0) * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .build_cartesian_2d((1u32..12u32).into_segmented(), 0f64..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(0xee, 0xf2, 0xf7))
            .x_desc(labels.month)
            .y_desc(labels.unit)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(m) | SegmentValue::Exact(m) => format!("{m}"),
                SegmentValue::Last => String::new(),
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(BLUE.mix(0.75).filled())
                    .margin(10)
                    .data(monthly_yi.iter().copied()),
            )
            .map_err(|e| e.to_string())?
            .label(labels.monthly)
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], BLUE.filled()));
        chart
            .draw_series(LineSeries::new(
                cumulative
                    .iter()
                    .map(|(m, v)| (SegmentValue::CenterOf(*m), *v)),
                ORANGE.stroke_width(3),
            ))
            .map_err(|e| e.to_string())?
            .label(labels.cumulative)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], ORANGE.stroke_width(3)));
        chart
            .draw_series(DashedLineSeries::new(
                (1..=12).map(|m| (SegmentValue::CenterOf(m), plan_yi * f64::from(m) / 12.0)),
                6,
                4,
                GREY.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(labels.planned)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(2)));
        // Value labels, so a printed page reads without a ruler.
        chart
            .draw_series(value_labels(monthly_yi, &cumulative, top).into_iter().map(
                |(m, y, text, colour)| {
                    let style = TextStyle::from((FONT, 13).into_font())
                        .color(colour)
                        .pos(Pos::new(HPos::Center, VPos::Bottom));
                    Text::new(text, (SegmentValue::CenterOf(m), y), style)
                },
            ))
            .map_err(|e| e.to_string())?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(0xdd, 0xe3, 0xea))
            .label_font((FONT, 15))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// How many projects show each light: one horizontal bar per (label, count, colour), the
/// first at the top.
pub fn light_counts(bars: &[(&str, usize, RGBColor)]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let height = 60 + 56 * u32::try_from(bars.len()).unwrap_or(4);
        let root = SVGBackend::with_string(&mut svg, (640, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64 * 1.2;
        let n = u32::try_from(bars.len()).unwrap_or(0);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(24)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..max, (0u32..n).into_segmented())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(RGBColor(0xee, 0xf2, 0xf7))
            .y_label_formatter(&|y| match y {
                // Row 0 is the last bar; the axis also ticks its top edge (i = n): no label.
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i < n => bars
                    .get((n - 1 - *i) as usize)
                    .map(|b| b.0.to_string())
                    .unwrap_or_default(),
                SegmentValue::CenterOf(_) | SegmentValue::Exact(_) => String::new(),
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style((FONT, 15))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (_, count, colour)) in bars.iter().enumerate() {
            // Row 0 of the axis is at the bottom.
            let i = n - 1 - u32::try_from(i).unwrap_or(0);
            let count = *count as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i)),
                        (count, SegmentValue::Exact(i + 1)),
                    ],
                    colour.filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{count:.0}"),
                    (count + max * 0.02, SegmentValue::CenterOf(i)),
                    (FONT, 16).into_font().color(&BLACK),
                )))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_labels() {
        let labels = InvestmentLabels {
            month: "月份",
            unit: "亿元",
            monthly: "当月完成",
            cumulative: "累计完成",
            planned: "序时计划",
        };
        let svg = investment_by_month(&[(1, 3.0), (2, 4.5), (3, 5.0)], 120.0, &labels)
            .unwrap_or_default();
        assert!(svg.starts_with("<svg") && svg.contains("累计完成") && svg.contains("序时计划"));
        // Each month's amount and the running total.
        for value in ["3.0", "4.5", "5.0", "7.5", "12.5"] {
            assert!(svg.lines().any(|l| l.trim() == value), "{value}: {svg}");
        }
        let svg = light_counts(&[
            ("红灯", 12, RGBColor(0xd9, 0x30, 0x25)),
            ("绿灯", 300, RGBColor(0x1e, 0x8e, 0x3e)),
        ])
        .unwrap_or_default();
        // plotters writes each text on its own line.
        assert!(
            svg.contains("红灯") && svg.lines().any(|l| l.trim() == "300"),
            "{svg}"
        );
    }
}
