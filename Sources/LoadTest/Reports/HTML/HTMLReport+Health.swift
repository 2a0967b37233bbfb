/// The slaves' own health in `report.html`: idle CPU and sessions over time, a line
/// per slave, gaps where a slave gave no reading.
extension HTMLReport {
    /// Line colours of the slaves, in the order they first appear (repeating past the
    /// last).
    static let slaveColors = ["#1f6feb", "#cf222e", "#1a7f37", "#bf8700", "#8250df", "#0a7b83", "#bc4c00", "#6e7781"]

    /// The section, or nothing when the run has no slave readings.
    static func healthCharts(_ data: ReportData) -> String {
        var names: [String] = []
        for row in data.timeline {
            for slave in row.slaves where !names.contains(slave.slave) { names.append(slave.slave) }
        }
        guard !names.isEmpty else { return "" }
        func series(_ value: (SlaveHealthRow) -> Double?) -> [LineChart.Series] {
            names.enumerated().map { index, name in
                LineChart.Series(
                    name: name, color: slaveColors[index % slaveColors.count],
                    points: data.timeline.compactMap { row in
                        row.slaves.first { $0.slave == name }.map { (Double(row.second), value($0)) }
                    })
            }
        }
        let idle = LineChart(title: "Slaves' idle CPU (api status)", yUnit: "%", xUnit: "s", series: series(\.idleCPU))
        let sessions = LineChart(
            title: "Slaves' sessions up (api status)", yUnit: "sessions", xUnit: "s",
            series: series { $0.sessions.map(Double.init) })
        let figures = names.compactMap { name -> String? in
            guard let health = data.summary.slaves[name]?.health else { return nil }
            let idle = health.minIdleCPU.map { "min idle CPU \(fixed($0, 2)) %" } ?? "no idle CPU read"
            let peaks = "peak \(health.peakSessions.map(String.init) ?? "–") sessions, \(health.peakSessionsPerSecond.map(String.init) ?? "–") sessions/s"
            let gaps = health.missed > 0 ? "; \(health.missed) s without a reading" : ""
            return "\(name): \(idle), \(peaks)\(gaps)"
        }
        let note = (["What each slave said of itself at the end of each second; a gap is a second without a reading (the slave was down or had not answered yet)."]
            + figures).joined(separator: " · ")
        return """
            <section>
            <h2>Slaves' health</h2>
            <div class="grid">
            \(card(idle.svg(), note: note))\
            \(card(sessions.svg()))\
            </div>
            </section>

            """
    }
}
