public import Foundation

/// Writing a run's (or a merge's) report files again.
extension RunFiles {
    /// Writes `calls.csv`, `timeline.csv`, `summary.json` and `report.html` into
    /// `folder`, creating it.
    /// - Throws: ``ReportError`` naming the folder or the file that could not be written.
    public func write(to folder: URL) throws(ReportError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: folder.path, reason: "cannot create the folder")
        }
        var calls = callsHeader.joined(separator: ",") + "\n"
        for row in callRows { calls += row.map(CallsCSVWriter.escape).joined(separator: ",") + "\n" }
        try save(calls, folder, "calls.csv")
        try save(TimelineFile.csv(timeline), folder, "timeline.csv")
        try save(try summaryJSON(), folder, "summary.json")
        try save(HTMLReport.render(reportData), folder, "report.html")
    }

    /// A new folder `<base>/<UTC time>-<suffix>` (`-2`, `-3` … appended when taken).
    public static func newFolder(base: String, date: Date, suffix: String = "merged") -> URL {
        FileManager.default.freeFolder(URL(fileURLWithPath: base).appendingPathComponent("\(RunReport.stamp(date))-\(suffix)"))
    }

    /// `summary.json`: the summary's own fields plus the keys kept from the source(s).
    func summaryJSON() throws(ReportError) -> String {
        do {
            var object = try JSONSerialization.jsonObject(with: try ReportJSON.encoder().encode(summary)) as? [String: Any] ?? [:]
            let extra = try JSONSerialization.jsonObject(with: extraJSON) as? [String: Any] ?? [:]
            object.merge(extra) { own, _ in own }
            let data = try ReportJSON.data(object)
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw ReportError(path: "summary.json", reason: "cannot be encoded (\(error))")
        }
    }

    private func save(_ text: String, _ folder: URL, _ name: String) throws(ReportError) {
        let url = folder.appendingPathComponent(name)
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw ReportError(path: url.path, reason: "cannot be written")
        }
    }
}
