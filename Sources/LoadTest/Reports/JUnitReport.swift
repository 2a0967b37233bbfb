/// `junit.xml`: each threshold is a test case, a failed one carries the measured value,
/// so CI dashboards show a run's verdict like a test suite's. An interrupted run adds a
/// test case `run completed` with an `<error>` saying when and why, so a CI job reading
/// the file does not go green on a run cut short. When the run was judged by the
/// default rules, the property `default_thresholds` says so; `properties` (the run's
/// ``figures(of:)``) follow `run_id`.
public enum JUnitReport {
    public static func render(
        name: String, runID: String, durationSeconds: Double, verdicts: [ThresholdVerdict],
        interruption: RunSummary.Interruption? = nil, defaultThresholds: Bool = false,
        properties: [(name: String, value: String)] = []
    ) -> String {
        let failures = verdicts.filter { !$0.passed }.count
        let errors = interruption == nil ? 0 : 1
        let tests = verdicts.count + errors
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"switchy\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        xml += "  <testsuite name=\"\(escape("switchy.\(name)"))\" tests=\"\(tests)\" failures=\"\(failures)\""
        xml += " errors=\"\(errors)\" time=\"\(String(format: "%.3f", durationSeconds))\">\n"
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

    /// The run's figures as JUnit properties, for a CI page that shows them: `offered`,
    /// each outcome's count (`dropped` included), and `asr`, `drop_rate` and `acd_s`
    /// when the run has them.
    public static func figures(of summary: RunSummary) -> [(name: String, value: String)] {
        var figures: [(name: String, value: String)] = [("offered", "\(summary.offered)")]
        for outcome in CallRecord.Outcome.allCases {
            figures.append((outcome.rawValue, "\(summary.outcomes[outcome.rawValue] ?? 0)"))
        }
        if let asr = summary.asr { figures.append(("asr", String(format: "%.4f", asr))) }
        if let dropRate = summary.dropRate { figures.append(("drop_rate", String(format: "%.4f", dropRate))) }
        if let acd = summary.acdSeconds { figures.append(("acd_s", String(format: "%.3f", acd))) }
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
