import Foundation

extension RunReport {
    /// The report files other than `calls.csv`, rendered.
    func files(
        _ summary: RunSummary, rows: [TimelineRow], verdicts: [ThresholdVerdict], plan: RunPlan,
        profile: (any Encodable & Sendable)?, junit: Bool, html: Bool
    ) throws -> [(name: String, data: Data)] {
        var files: [(name: String, data: Data)] = [("timeline.csv", Data(TimelineFile.csv(rows).utf8))]
        if junit {
            let xml = JUnitReport.render(
                name: plan.name, runID: plan.runID, durationSeconds: summary.durationSeconds, verdicts: verdicts,
                interruption: summary.interruption, defaultThresholds: summary.defaultThresholds,
                properties: JUnitReport.figures(of: summary), search: summary.search, abort: summary.abort)
            files.append(("junit.xml", Data(xml.utf8)))
        }
        let encoder = ReportJSON.encoder()
        var object = try JSONSerialization.jsonObject(with: try encoder.encode(summary)) as? [String: Any] ?? [:]
        if let profile {
            object["profile"] = try JSONSerialization.jsonObject(with: try encoder.encode(AnyEncodable(profile)))
        }
        files.append(("summary.json", try ReportJSON.data(object)))
        if html {
            let profileJSON = try object["profile"].map {
                String(decoding: try ReportJSON.data($0), as: UTF8.self)
            } ?? ""
            let data = ReportData(
                summary: summary, timeline: rows, histograms: metrics.snapshot.latencies, thresholds: verdicts,
                profileJSON: profileJSON)
            files.append(("report.html", Data(HTMLReport.render(data).utf8)))
        }
        return files
    }

    /// Writes each file into `folder`.
    /// - Throws: ``ReportError`` naming the file that could not be written.
    static func write(_ files: [(name: String, data: Data)], to folder: URL) throws(ReportError) {
        for file in files {
            let url = folder.appendingPathComponent(file.name)
            do { try file.data.write(to: url, options: .atomic) } catch {
                throw ReportError(path: url.path, reason: "cannot be written (\(PathProblem.describe(error, at: url)))")
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? ReportError)?.description ?? error.localizedDescription
    }
}

private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
