import MustardModel

/// A migration's timeline as an SVG chart, drawn here so the page needs no script to show it: one row per
/// pipeline step with its bar (from its start to its completion; without one, to the next step's start or to the
/// gather time), then the migration's own marks (creation, start, conditions), Kubernetes events and controller
/// log lines, and the gather time as a line. Every mark has a tooltip and links to its row in the table below.
///
/// Migrations often sit idle for hours before the gather: long quiet stretches are cut out of the axis (drawn as
/// a break with their length) so the minutes that matter stay readable.
struct TimelineChart {
    /// One drawn row.
    struct Lane {
        let label: String
        var bars: [Bar] = []
        var marks: [Mark] = []
    }

    struct Bar {
        enum State: String { case done, failed, skipped, open }
        let start: Double
        let end: Double
        let state: State
        let label: String
        let tooltip: String
        let anchor: String
    }

    struct Mark {
        enum Shape { case circle, diamond, tick }
        let at: Double
        let shape: Shape
        let style: String
        let tooltip: String
        let anchor: String
    }

    let lanes: [Lane]
    let gatheredAt: Double?
    let scale: TimeScale?

    static let width = 1000.0
    static let plotLeft = 132.0
    static let plotRight = width - 14
    static let top = 26.0
    static let laneHeight = 24.0
    static let axisHeight = 38.0

    init(_ timeline: MigrationTimeline, gatheredAt reportGather: Timestamp?, anchorPrefix: String) {
        let entries = Array(timeline.entries.enumerated())
        func anchor(_ index: Int) -> String { "\(anchorPrefix)-entry-\(index + 1)" }
        let gather = (timeline.entries.first { $0.kind == .gathered }?.at ?? reportGather)?.secondsSince1970
        gatheredAt = gather

        // Pipeline steps: `status.pipeline[i].started` / `.completed`, paired by index.
        struct StepTimes { var name: String; var started: (Int, TimelineEntry)?; var completed: (Int, TimelineEntry)? }
        var steps: [Int: StepTimes] = [:]
        var migration = Lane(label: "Migration"), events = Lane(label: "Events"), logs = Lane(label: "Log lines")
        for (index, entry) in entries {
            let at = entry.at.secondsSince1970
            let tooltip = "\(entry.at) — \(entry.text)"
            // Drawn from what each entry states (its fact), never from its words.
            switch (entry.kind, entry.fact) {
            case (.step, .step(let step, let name, let end)):
                var s = steps[step] ?? StepTimes(name: name)
                if end == .started { s.started = (index, entry) } else { s.completed = (index, entry) }
                steps[step] = s
            case (.step, _):
                migration.marks.append(Mark(at: at, shape: .diamond, style: "mark-neutral", tooltip: tooltip, anchor: anchor(index)))
            case (.created, _), (.started, _):
                migration.marks.append(Mark(at: at, shape: .circle, style: "mark-neutral", tooltip: tooltip, anchor: anchor(index)))
            case (.condition, let fact):
                let tone: TimelineFact.Tone = if case .condition(let t) = fact { t } else { .neutral }
                migration.marks.append(Mark(at: at, shape: .diamond, style: Self.style(tone), tooltip: tooltip, anchor: anchor(index)))
            case (.event, let fact):
                let warning = if case .event(let w) = fact { w } else { false }
                events.marks.append(
                    Mark(at: at, shape: .circle, style: warning ? "mark-warning" : "mark-neutral", tooltip: tooltip, anchor: anchor(index)))
            case (.log, let fact):
                let tone: TimelineFact.Tone = if case .log(let t) = fact { t } else { .neutral }
                logs.marks.append(Mark(at: at, shape: .tick, style: tone == .neutral ? "mark-log" : Self.style(tone), tooltip: tooltip, anchor: anchor(index)))
            case (.gathered, _):
                break
            }
        }
        var lanes: [Lane] = []
        let ordered = steps.keys.sorted()
        for (position, key) in ordered.enumerated() {
            guard let step = steps[key] else { continue }
            var lane = Lane(label: step.name)
            if case let (startIndex, started)? = step.started {
                let start = started.at.secondsSince1970
                let end: Double
                let state: Bar.State
                var note: String
                if case let (_, completed)? = step.completed {
                    end = completed.at.secondsSince1970
                    let outcome = Self.outcome(completed.fact)
                    state = outcome
                    note = outcome == .done ? "completed" : outcome.rawValue
                } else if let next = ordered[(position + 1)...].lazy.compactMap({ steps[$0]?.started?.1.at.secondsSince1970 }).first {
                    end = next
                    state = .open
                    note = "no completion recorded; the next step started"
                } else if let gather, gather >= start {
                    end = gather
                    state = .open
                    note = "still running when the must-gather was collected"
                } else {
                    end = start
                    state = .open
                    note = "no completion recorded"
                }
                let duration = DurationText.text(max(0, end - start))
                let label =
                    state == .open && note.hasPrefix("still")
                    ? "\(duration) · running at gather" : state == .done ? duration : "\(duration) · \(note)"
                let tooltip = "\(step.name): \(started.at) → \(Timestamp(secondsSince1970: end)) (\(duration)), \(note)"
                lane.bars.append(
                    Bar(start: start, end: max(start, end), state: state, label: label, tooltip: tooltip, anchor: anchor(startIndex)))
            } else if case let (index, completed)? = step.completed {
                lane.marks.append(
                    Mark(
                        at: completed.at.secondsSince1970, shape: .diamond, style: "mark-neutral",
                        tooltip: "\(completed.at) — \(completed.text)", anchor: anchor(index)))
            }
            lanes.append(lane)
        }
        for lane in [migration, events, logs] where !lane.marks.isEmpty { lanes.append(lane) }
        self.lanes = lanes

        var times = timeline.entries.map(\.at.secondsSince1970)
        times += lanes.flatMap { $0.bars.flatMap { [$0.start, $0.end] } }
        if let gather { times.append(gather) }
        scale = TimeScale(times: times, left: Self.plotLeft, right: Self.plotRight)
    }

    /// How a step ended, as its completion entry states it.
    static func outcome(_ fact: TimelineFact) -> Bar.State {
        guard case .step(_, _, let end) = fact else { return .done }
        switch end {
        case .failed: return .failed
        case .skipped: return .skipped
        case .started, .completed: return .done
        }
    }

    static func style(_ tone: TimelineFact.Tone) -> String {
        switch tone {
        case .bad: return "mark-bad"
        case .ok: return "mark-ok"
        case .warning: return "mark-warning"
        case .neutral: return "mark-neutral"
        }
    }

    // MARK: - Drawing

    /// The chart as an inline SVG element.
    func svg(title: String) -> String {
        guard let scale, !lanes.isEmpty || gatheredAt != nil else {
            return "<p class=\"muted\">No dated entries to draw.</p>"
        }
        let lanesBottom = Self.top + Double(lanes.count) * Self.laneHeight
        let height = lanesBottom + Self.axisHeight
        var out: [String] = []
        out.append(
            "<svg class=\"chart\" viewBox=\"0 0 \(n(Self.width)) \(n(height))\" width=\"\(n(Self.width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(e(title))\">"
        )
        out.append("<title>\(e(title))</title>")

        // Lane backgrounds and labels.
        for (row, lane) in lanes.enumerated() {
            let y = Self.top + Double(row) * Self.laneHeight
            if row % 2 == 0 {
                out.append("<rect class=\"lane-bg\" x=\"0\" y=\"\(n(y))\" width=\"\(n(Self.width))\" height=\"\(n(Self.laneHeight))\"/>")
            }
            let label = lane.label.count > 19 ? String(lane.label.prefix(18)) + "…" : lane.label
            out.append(
                "<text class=\"lane-label\" x=\"8\" y=\"\(n(y + Self.laneHeight / 2 + 4))\">\(e(label))<title>\(e(lane.label))</title></text>"
            )
        }

        // Grid and axis.
        let ticks = scale.ticks()
        for tick in ticks {
            out.append("<line class=\"grid\" x1=\"\(n(tick.x))\" y1=\"\(n(Self.top))\" x2=\"\(n(tick.x))\" y2=\"\(n(lanesBottom))\"/>")
        }
        out.append(
            "<line class=\"axis\" x1=\"\(n(Self.plotLeft))\" y1=\"\(n(lanesBottom))\" x2=\"\(n(Self.plotRight))\" y2=\"\(n(lanesBottom))\"/>"
        )
        for tick in ticks {
            out.append(
                "<line class=\"axis\" x1=\"\(n(tick.x))\" y1=\"\(n(lanesBottom))\" x2=\"\(n(tick.x))\" y2=\"\(n(lanesBottom + 4))\"/>")
            out.append("<text x=\"\(n(tick.x))\" y=\"\(n(lanesBottom + 16))\" text-anchor=\"\(tick.anchor)\">\(e(tick.label))</text>")
        }
        out.append("<text x=\"8\" y=\"\(n(lanesBottom + 16))\">UTC</text>")
        out.append("<text x=\"8\" y=\"\(n(lanesBottom + 30))\">\(e(scale.dateCaption))</text>")

        // Bars, with their duration beside them (or inside, or before them, where there is room).
        for (row, lane) in lanes.enumerated() {
            let y = Self.top + Double(row) * Self.laneHeight
            for bar in lane.bars {
                let x0 = scale.x(bar.start), x1 = max(scale.x(bar.end), x0 + 3)
                out.append(
                    "<a href=\"#\(bar.anchor)\"><rect class=\"bar-\(bar.state.rawValue)\" x=\"\(n(x0))\" y=\"\(n(y + 6))\" width=\"\(n(x1 - x0))\" height=\"\(n(Self.laneHeight - 12))\" rx=\"2\"><title>\(e(bar.tooltip))</title></rect></a>"
                )
                // Beside the bar's end if it fits before the next break, else before its start, else inside.
                let textWidth = Double(bar.label.count) * 6.0
                let rightLimit = scale.breaks.map(\.x0).filter { $0 >= x1 - 1 }.min() ?? Self.plotRight
                let leftLimit = scale.breaks.map(\.x1).filter { $0 <= x0 + 1 }.max() ?? Self.plotLeft
                let (tx, anchor): (Double, String) =
                    x1 + 6 + textWidth <= rightLimit
                    ? (x1 + 6, "start")
                    : x0 - 6 - textWidth >= leftLimit
                        ? (x0 - 6, "end")
                        : (min(x1, rightLimit) - 4, "end")
                out.append(
                    "<text class=\"bar-label\" x=\"\(n(tx))\" y=\"\(n(y + Self.laneHeight / 2 + 3.5))\" text-anchor=\"\(anchor)\">\(e(bar.label))</text>"
                )
            }
        }

        // Quiet stretches cut out of the axis.
        for gap in scale.breaks {
            let mid = (gap.x0 + gap.x1) / 2
            out.append(
                "<rect class=\"break-band\" x=\"\(n(gap.x0))\" y=\"\(n(Self.top - 2))\" width=\"\(n(gap.x1 - gap.x0))\" height=\"\(n(lanesBottom - Self.top + 6))\"/>"
            )
            for x in [gap.x0, gap.x1] {
                var d = "M\(n(x)) \(n(Self.top - 2))"
                var y = Self.top - 2
                var left = true
                while y < lanesBottom + 4 {
                    y += 6
                    d += " L\(n(x + (left ? -3 : 3))) \(n(min(y, lanesBottom + 4)))"
                    left.toggle()
                }
                out.append("<path class=\"break-edge\" d=\"\(d)\"/>")
            }
            out.append(
                "<text class=\"break-label\" x=\"\(n(mid))\" y=\"\(n(lanesBottom + 16))\" text-anchor=\"middle\">\(e(DurationText.text(gap.to - gap.from)))<title>\(e("\(DurationText.text(gap.to - gap.from)) with nothing recorded, cut out of the axis"))</title></text>"
            )
        }

        // The gather time.
        if let gatheredAt {
            let x = scale.x(gatheredAt)
            out.append(
                "<line class=\"gather\" x1=\"\(n(x))\" y1=\"\(n(Self.top - 8))\" x2=\"\(n(x))\" y2=\"\(n(lanesBottom))\"><title>\(e("Must-gather collected at \(Timestamp(secondsSince1970: gatheredAt))"))</title></line>"
            )
            let label = "gathered \(TimeScale.clock(gatheredAt, seconds: true))"
            let anchor =
                x + Double(label.count) * 3.2 > Self.plotRight ? "end" : x - Double(label.count) * 3.2 < Self.plotLeft ? "start" : "middle"
            out.append("<text class=\"gather-label\" x=\"\(n(x))\" y=\"\(n(Self.top - 11))\" text-anchor=\"\(anchor)\">\(e(label))</text>")
        }

        // Marks last, so they stay on top.
        for (row, lane) in lanes.enumerated() {
            let cy = Self.top + Double(row) * Self.laneHeight + Self.laneHeight / 2
            for mark in lane.marks {
                let x = scale.x(mark.at)
                let shape: String
                switch mark.shape {
                case .circle:
                    shape = "<circle class=\"\(mark.style)\" cx=\"\(n(x))\" cy=\"\(n(cy))\" r=\"4.5\">"
                case .diamond:
                    shape =
                        "<path class=\"\(mark.style)\" d=\"M\(n(x)) \(n(cy - 6))L\(n(x + 5)) \(n(cy))L\(n(x)) \(n(cy + 6))L\(n(x - 5)) \(n(cy))Z\">"
                case .tick:
                    shape = "<rect class=\"\(mark.style)\" x=\"\(n(x - 1.5))\" y=\"\(n(cy - 7))\" width=\"3\" height=\"14\" rx=\"1\">"
                }
                let close = mark.shape == .circle ? "</circle>" : mark.shape == .diamond ? "</path>" : "</rect>"
                out.append("<a href=\"#\(mark.anchor)\">\(shape)<title>\(e(mark.tooltip))</title>\(close)</a>")
            }
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    static let legend = """
        <div class="legend" aria-hidden="true"><span><i class="swatch done"></i>step completed</span>\
        <span><i class="swatch failed"></i>step failed</span><span><i class="swatch open"></i>step not completed</span>\
        <span><i class="swatch dot neutral"></i>migration, event</span><span><i class="swatch dot warning"></i>warning event</span>\
        <span><i class="swatch log"></i>log line</span><span><i class="swatch line"></i>gather time</span></div>
        """

    private func e(_ s: String) -> String { htmlEscape(s) }
}

/// A number for an SVG attribute: one decimal at most, the same text for the same value.
private func n(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(saturating: r)) : String(r)
}

/// Time to pixels over the chart's width, piecewise: each stretch with activity is linear, and a long quiet
/// stretch between two of them is cut down to a fixed-width break.
struct TimeScale {
    struct Segment {
        let start: Double
        let end: Double
        let x0: Double
        let x1: Double
        var isPoint: Bool { end == start }
    }

    struct Gap {
        let from: Double
        let to: Double
        let x0: Double
        let x1: Double
    }

    struct Tick {
        let x: Double
        let label: String
        let anchor: String
    }

    let segments: [Segment]
    let breaks: [Gap]
    let dateCaption: String

    static let breakWidth = 36.0
    static let pointWidth = 70.0
    /// A stretch shorter than this is never cut out.
    static let minimumBreak = 15.0 * 60
    /// Room at a stretch's ends, so a mark on its edge stays clear of a break.
    static let padding = 8.0

    init?(times: [Double], left: Double, right: Double) {
        let ts = Array(Set(times)).sorted()
        guard let first = ts.first, let last = ts.last else { return nil }
        let gaps = zip(ts, ts.dropFirst()).map { $1 - $0 }
        // Cut the longest quiet stretch while it is more than half of what is left to draw, up to four times.
        var cut = Set<Int>()
        while cut.count < 4 {
            let covered = gaps.enumerated().filter { !cut.contains($0.offset) }.reduce(0) { $0 + $1.element }
            guard let longest = gaps.enumerated().filter({ !cut.contains($0.offset) }).max(by: { $0.element < $1.element }),
                longest.element >= Self.minimumBreak, longest.element >= covered / 2
            else { break }
            cut.insert(longest.offset)
        }
        var ranges: [(Double, Double)] = []
        var start = first
        for (index, t) in ts.enumerated() where cut.contains(index) {
            ranges.append((start, t))
            start = ts[index + 1]
        }
        ranges.append((start, last))

        // Widths: breaks and single instants fixed, the rest in proportion to duration.
        let available = right - left - Double(ranges.count - 1) * Self.breakWidth
        let durations = ranges.map { $0.1 - $0.0 }
        let points = durations.filter { $0 == 0 }.count
        var widths: [Double]
        if points == ranges.count {
            widths = Array(repeating: available / Double(points), count: points)
        } else {
            let pointWidth = min(Self.pointWidth, available / Double(ranges.count))
            let rest = available - Double(points) * pointWidth
            let total = durations.reduce(0, +)
            widths = durations.map { $0 == 0 ? pointWidth : rest * $0 / total }
            // Keep every stretch wide enough for a label, taking the room from the widest.
            for i in widths.indices where durations[i] > 0 && widths[i] < Self.pointWidth {
                let need = Self.pointWidth - widths[i]
                if let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] - need > Self.pointWidth {
                    widths[widest] -= need
                    widths[i] += need
                }
            }
        }
        var segments: [Segment] = []
        var breaks: [Gap] = []
        var x = left
        for (i, range) in ranges.enumerated() {
            segments.append(Segment(start: range.0, end: range.1, x0: x, x1: x + widths[i]))
            x += widths[i]
            if i + 1 < ranges.count {
                breaks.append(Gap(from: range.1, to: ranges[i + 1].0, x0: x, x1: x + Self.breakWidth))
                x += Self.breakWidth
            }
        }
        self.segments = segments
        self.breaks = breaks
        let firstDate = String(Timestamp(secondsSince1970: first).description.prefix(10))
        let lastDate = String(Timestamp(secondsSince1970: last).description.prefix(10))
        dateCaption = firstDate == lastDate ? firstDate : "\(firstDate) → \(lastDate.suffix(5))"
    }

    func x(_ t: Double) -> Double {
        guard let first = segments.first, let last = segments.last else { return 0 }
        if t <= first.start { return position(t, in: first) }
        for (i, s) in segments.enumerated() {
            if t <= s.end { return position(t, in: s) }
            if i < breaks.count, t < breaks[i].to {
                let gap = breaks[i]
                return gap.x0 + (t - gap.from) / (gap.to - gap.from) * (gap.x1 - gap.x0)
            }
        }
        return position(t, in: last)
    }

    private func position(_ t: Double, in s: Segment) -> Double {
        if s.isPoint { return (s.x0 + s.x1) / 2 }
        let clamped = min(max(t, s.start), s.end)
        return s.x0 + Self.padding + (clamped - s.start) / (s.end - s.start) * (s.x1 - s.x0 - 2 * Self.padding)
    }

    static let steps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
    ]

    /// Round times across each stretch, about one per 90 pixels; a single instant gets its own.
    func ticks() -> [Tick] {
        var ticks: [Tick] = []
        let multiDay = dateCaption.contains("→")
        for s in segments {
            if s.isPoint {
                ticks.append(Tick(x: position(s.start, in: s), label: Self.clock(s.start, seconds: true), anchor: "middle"))
                continue
            }
            let width = s.x1 - s.x0
            let wanted = max(1, (width / 90).rounded(.down))
            let step = Self.steps.first { (s.end - s.start) / $0 <= wanted } ?? Self.steps[Self.steps.count - 1]
            var t = (s.start / step).rounded(.up) * step
            var inside: [Tick] = []
            while t <= s.end {
                let x = position(t, in: s)
                // Near a stretch's edge the label leans inwards, clear of a break's label; never two too close.
                if inside.last.map({ x - $0.x >= 64 }) ?? true {
                    let label = (multiDay && inside.isEmpty ? Self.day(t) + " " : "") + Self.clock(t, seconds: step < 60)
                    inside.append(Tick(x: x, label: label, anchor: x - s.x0 < 24 ? "start" : s.x1 - x < 24 ? "end" : "middle"))
                }
                t += step
            }
            if inside.isEmpty {
                inside.append(Tick(x: position(s.start, in: s), label: Self.clock(s.start, seconds: true), anchor: "start"))
            }
            ticks += inside
        }
        return ticks
    }

    /// `09:14` or `09:14:06`, UTC.
    static func clock(_ t: Double, seconds: Bool) -> String {
        let text = Timestamp(secondsSince1970: t).description
        return String(text.dropFirst(11).prefix(seconds ? 8 : 5))
    }

    /// `11-20`.
    static func day(_ t: Double) -> String { String(Timestamp(secondsSince1970: t).description.dropFirst(5).prefix(5)) }
}

/// Durations as people say them: `45s`, `2m 29s`, `4h 19m`, `3d 2h`.
enum DurationText {
    static func text(_ seconds: Double) -> String {
        let s = Int(saturating: seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \((s % 3600) / 60)m" }
        return (s % 86_400) / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d \((s % 86_400) / 3600)h"
    }
}
