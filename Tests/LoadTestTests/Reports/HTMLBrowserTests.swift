import Foundation
@testable import LoadTest
import TestSupport
import Testing

/// `report.html` in a real browser (Debian's `chromium`, headless): it renders to a
/// non-empty screenshot, and at the widths of a laptop and of a narrow window nothing
/// reaches past the page's right edge. Skipped, saying so, where no Chromium
/// is installed (`.ci/run` installs it when it can).
@Suite(.enabled(if: Chromium.path != nil, "no chromium: install Debian's chromium to check report.html in a browser"))
struct HTMLBrowserTests {
    static let pages: [(name: String, data: ReportData)] = [
        ("full", HTMLReportTests.full), ("empty", HTMLReportTests.empty),
    ]

    /// At a laptop's width nothing reaches past the page's right edge and no table
    /// needs its own scrollbar; in a narrow window the page still never scrolls
    /// sideways: only a wide table scrolls, inside its own box.
    @Test(arguments: [1280, 800])
    func noElementIsWiderThanThePage(width: Int) async throws {
        for page in Self.pages {
            // A copy of the page with a probe appended: the report itself has no script.
            let probe = """
                <script>
                var limit = document.documentElement.clientWidth, wide = [], scrolling = 0;
                function clipped(e) {
                  for (var p = e.parentElement; p; p = p.parentElement) {
                    var o = getComputedStyle(p).overflowX;
                    if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
                  }
                  return false;
                }
                document.querySelectorAll('body *').forEach(function (e) {
                  var r = e.getBoundingClientRect();
                  if (r.width > 0 && r.right > limit + 1 && !clipped(e)) wide.push(e.tagName.toLowerCase() + ' ' + Math.round(r.right));
                  var o = getComputedStyle(e).overflowX;
                  if ((o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth + 1) scrolling += 1;
                });
                var page = document.documentElement.scrollWidth;
                document.body.setAttribute('data-probe', 'page ' + page + ' of ' + limit + '; scrolling boxes ' + scrolling + '; wide: ' + wide.slice(0, 5).join(', '));
                </script>
                """
            let html = HTMLReport.render(page.data).replacingOccurrences(of: "</body>", with: probe + "</body>")
            let file = try Chromium.temporaryFile(html, name: "report-\(page.name).html")
            let dom = try await Chromium.run(["--window-size=\(width),900", "--dump-dom", file.absoluteString])
            let probed = try #require(dom.range(of: "data-probe=\"").map { String(dom[$0.upperBound...].prefix { $0 != "\"" }) })
            let context = "\(page.name) at \(width) px: \(probed)"
            #expect(probed.hasSuffix("wide: "), "\(context)")
            let pageWidth = probed.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? .max
            #expect(pageWidth <= width, "the page scrolls sideways: \(context)")
            if width >= 1280 { #expect(probed.contains("scrolling boxes 0;"), "\(context)") }
        }
    }

    @Test func theReportRendersToAScreenshot() async throws {
        let file = try Chromium.temporaryFile(HTMLReport.render(HTMLReportTests.full), name: "report-shot.html")
        let shot = file.deletingLastPathComponent().appendingPathComponent("report.png")
        _ = try await Chromium.run(["--window-size=1280,4000", "--screenshot=\(shot.path)", file.absoluteString])
        let size = try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int ?? 0
        #expect(size > 10_000, "a screenshot of \(size) bytes")
    }
}

/// Headless Chromium, found on the PATH.
enum Chromium {
    static let path = SystemTool.path("chromium", "chromium-browser", "google-chrome")

    static func temporaryFile(_ text: String, name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs headless Chromium with `arguments` and returns its stdout (through
    /// ``SystemTool/run(_:_:environment:timeout:)``: off the cooperative pool, its output in
    /// a file, since Chromium's helper processes may outlive it and keep a pipe open). A
    /// browser still running after two minutes is killed and the test fails.
    static func run(_ arguments: [String]) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let result = await SystemTool.run(
            try #require(path),
            ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)"] + arguments)
        if result.timedOut { Issue.record("chromium \(arguments.joined(separator: " ")) did not finish within 120 s") }
        return result.stdout
    }
}
