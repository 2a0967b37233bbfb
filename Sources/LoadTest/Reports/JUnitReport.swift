/// `junit.xml`: each threshold is a test case, a failed one carries the measured value,
/// so CI dashboards show a run's verdict like a test suite's.
public enum JUnitReport {
    public static func render(name: String, runID: String, durationSeconds: Double, verdicts: [ThresholdVerdict]) -> String {
        let failures = verdicts.filter { !$0.passed }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"switchy\" tests=\"\(verdicts.count)\" failures=\"\(failures)\">\n"
        xml += "  <testsuite name=\"\(escape("switchy.\(name)"))\" tests=\"\(verdicts.count)\" failures=\"\(failures)\""
        xml += " errors=\"0\" time=\"\(String(format: "%.3f", durationSeconds))\">\n"
        xml += "    <properties><property name=\"run_id\" value=\"\(escape(runID))\"/></properties>\n"
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
