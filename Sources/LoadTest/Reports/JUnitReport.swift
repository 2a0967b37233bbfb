import ESL

/// `junit.xml`: each threshold is a test case, a failed one carries the measured value,
/// so CI dashboards show a run's verdict like a test suite's. An interrupted run adds a
/// test case `run completed` with an `<error>` saying when and why, so a CI job reading
/// the file does not go green on a run cut short. When the run was judged by the
/// default rules, the property `default_thresholds` says so; `properties` (the run's
/// ``figures(of:)``) follow `run_id`. A capacity search adds one test case per step
/// (``searchCases(_:)``: a failed step fails, an invalid one is an error, an unjudged
/// one is skipped); an aborting threshold that stopped the run, a failed test case
/// `aborted` naming the rule and the second.
public enum JUnitReport {
    public static func render(
        name: String, runID: String, durationSeconds: Double, verdicts: [ThresholdVerdict],
        interruption: RunSummary.Interruption? = nil, defaultThresholds: Bool = false,
        properties: [(name: String, value: String)] = [], search: SearchSummary? = nil, abort: AbortSummary? = nil
    ) -> String {
        let steps = search?.steps ?? []
        let failures = verdicts.filter { !$0.passed }.count + steps.filter { $0.verdict == .failed }.count + (abort == nil ? 0 : 1)
        let errors = (interruption == nil ? 0 : 1) + steps.filter { $0.verdict == .invalid }.count
        let skipped = steps.filter { $0.verdict == .unjudged }.count
        let tests = verdicts.count + (interruption == nil ? 0 : 1) + steps.count + (abort == nil ? 0 : 1)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"switchy\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        xml += "  <testsuite name=\"\(escape("switchy.\(name)"))\" tests=\"\(tests)\" failures=\"\(failures)\""
        xml += " errors=\"\(errors)\"\(skipped > 0 ? " skipped=\"\(skipped)\"" : "") time=\"\(String(format: "%.3f", durationSeconds))\">\n"
        xml += "    <properties><property name=\"run_id\" value=\"\(escape(runID))\"/>"
        if defaultThresholds { xml += "<property name=\"default_thresholds\" value=\"true\"/>" }
        for property in properties {
            xml += "<property name=\"\(escape(property.name))\" value=\"\(escape(property.value))\"/>"
        }
        xml += "</properties>\n"
        if let interruption {
            let message = "interrupted by \(interruption) before its planned end"
            xml += "    <testcase classname=\"switchy.run\" name=\"run completed\">\n"
            xml += "      <error message=\"\(escape(message))\" type=\"interrupted\">\(escape(message)): "
            xml += "its figures cover only the part that ran</error>\n    </testcase>\n"
        }
        if let abort {
            let message = "aborted: threshold \(abort)"
            xml += "    <testcase classname=\"switchy.run\" name=\"aborted\">\n"
            xml += "      <failure message=\"\(escape(message))\" type=\"abort\">\(escape(message))</failure>\n    </testcase>\n"
        }
        if let search { xml += searchCases(search) }
        for verdict in verdicts {
            xml += "    <testcase classname=\"switchy.thresholds\" name=\"\(escape(verdict.expression))\""
            if verdict.passed {
                xml += "/>\n"
            } else {
                xml += ">\n      <failure message=\"\(escape(verdict.message))\" type=\"threshold\">"
                xml += "\(escape(verdict.message))</failure>\n    </testcase>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// One test case per step of a capacity search, named by its index and rate.
    static func searchCases(_ search: SearchSummary) -> String {
        var xml = ""
        for step in search.steps {
            let name = "step \(step.step): \(step.rate.compactText) calls/s"
            xml += "    <testcase classname=\"switchy.search\" name=\"\(escape(name))\""
            let message = escape((step.brokenRule.map { "\($0): " } ?? "") + (step.message ?? ""))
            switch step.verdict {
            case .passed: xml += "/>\n"
            case .failed:
                xml += ">\n      <failure message=\"\(message)\" type=\"search\">\(message)</failure>\n    </testcase>\n"
            case .invalid:
                xml += ">\n      <error message=\"\(message)\" type=\"invalid\">\(message)</error>\n    </testcase>\n"
            case .unjudged:
                xml += ">\n      <skipped message=\"\(message)\"/>\n    </testcase>\n"
            }
        }
        return xml
    }

    /// The run's figures as JUnit properties, for a CI page that shows them: `offered`,
    /// each outcome's count (`dropped` included), `asr`, `drop_rate` and `acd_s` when
    /// the run has them, and `no_media` when its calls expected media.
    public static func figures(of summary: RunSummary) -> [(name: String, value: String)] {
        var figures: [(name: String, value: String)] = [("offered", "\(summary.offered)")]
        for outcome in CallRecord.Outcome.allCases {
            figures.append((outcome.rawValue, "\(summary.outcomes[outcome.rawValue] ?? 0)"))
        }
        if let asr = summary.asr { figures.append(("asr", String(format: "%.4f", asr))) }
        if let dropRate = summary.dropRate { figures.append(("drop_rate", String(format: "%.4f", dropRate))) }
        if let acd = summary.acdSeconds { figures.append(("acd_s", String(format: "%.3f", acd))) }
        // A run with media has quality figures, or calls without any RTP, or both.
        if !summary.quality.isEmpty || summary.noMedia > 0 { figures.append(("no_media", "\(summary.noMedia)")) }
        return figures
    }

    /// XML-escapes text for an attribute or element.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if let ascii = character.asciiValue, ascii < 0x20, character != "\n", character != "\t" { continue }
                out.append(character)
            }
        }
        return out
    }
}
