import Testing

@testable import LoadTest

/// The JSON5 reader: what it accepts, how it renders, and where it reports errors.
struct JSON5Tests {
    /// A canonical rendering of a parsed value, keys in the order written.
    static func render(_ node: JSON5.Node) -> String {
        switch node.value {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .number(let value, _): NumberRule.show(value)
        case .string(let text): "\"\(text)\""
        case .array(let items): "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { "\($0.key):\(render($0.node))" }.joined(separator: ",") + "}"
        }
    }

    @Test(arguments: [
        // Plain JSON is JSON5.
        ("{\"a\": 1, \"b\": [true, false, null]}", "{a:1,b:[true,false,null]}"),
        // Line and block comments anywhere between tokens.
        ("// head\n{ /* before */ a /* key */ : 1 // tail\n}", "{a:1}"),
        // Trailing commas in objects and lists.
        ("{a: [1, 2,], b: {c: 3,},}", "{a:[1,2],b:{c:3}}"),
        // Unquoted identifier keys, including _ and $.
        ("{_x: 1, $y: 2, camelCase9: 3}", "{_x:1,$y:2,camelCase9:3}"),
        // Keys keep the order written (not sorted).
        ("{z: 1, a: 2, m: 3}", "{z:1,a:2,m:3}"),
        // Single-quoted strings, with the other quote inside.
        ("{a: 'it\\'s \"x\"'}", "{a:\"it's \"x\"\"}"),
        // Escapes: \n \t \u and \x.
        ("['a\\tb', '\\u0041\\x42']", "[\"a\tb\",\"AB\"]"),
        // A backslash before a line break continues the string.
        ("'one \\\ntwo'", "\"one two\""),
        // Hexadecimal, leading and trailing dots, a leading plus, exponents.
        ("[0x1F, .5, 5., +3, -2.5e2, 1E3]", "[31,0.5,5,3,-250,1000]"),
        // Infinity and NaN are numbers (the profile rules then refuse them).
        ("[Infinity, -Infinity, NaN]", "[Infinity,-Infinity,NaN]"),
        // A huge number becomes Infinity rather than failing to parse.
        ("1e999", "Infinity"),
        // UTF-8 in strings is kept.
        ("'héllo ☎'", "\"héllo ☎\""),
        // A byte-order mark and Windows line ends are white space.
        ("\u{FEFF}{a:\r\n1}", "{a:1}"),
    ])
    func accepts(text: String, rendered: String) throws {
        let node = try JSON5.parse(Array(text.utf8))
        #expect(Self.render(node) == rendered)
    }

    @Test(arguments: [
        // Nothing at all.
        ("", 1, 1, "empty"),
        // Only a comment.
        ("// nothing\n", 2, 1, "empty"),
        // A missing comma between members: reported where the next key starts.
        ("{\n  a: 1\n  b: 2\n}", 3, 3, "expected ',' or '}'"),
        // An unterminated block comment: reported where it starts.
        ("{a: 1} /* never\nclosed", 1, 8, "unterminated /* comment"),
        // An unterminated string.
        ("{a: 'open}", 1, 5, "unterminated string"),
        // A duplicate key: reported at its second occurrence.
        ("{a: 1,\n a: 2}", 2, 2, "duplicate key 'a'"),
        // A bare word that is not a literal.
        ("{a: yes}", 1, 5, "unexpected word 'yes'"),
        // Two documents.
        ("{} {}", 1, 4, "after the end of the document"),
        // An unquoted key with a dash.
        ("{sip_h_X-Test: 1}", 1, 9, "expected ':' after key 'sip_h_X'"),
        // A malformed number.
        ("[1.2.3]", 1, 2, "bad number '1.2.3'"),
        // Binary garbage.
        ("\u{1}\u{2}\u{3}", 1, 1, "byte 0x1"),
        // Deeply nested input is refused, not a stack overflow.
        (String(repeating: "[", count: 100), 1, 65, "nested deeper than 64"),
    ])
    func refuses(text: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try JSON5.parse(Array(text.utf8))
        } throws: { error in
            guard let error = error as? JSON5.SyntaxError else { return false }
            return error.line == line && error.column == column && error.message.contains(message)
        }
    }

    @Test func invalidUTF8IsAnErrorNotACrash() {
        #expect(throws: JSON5.SyntaxError.self) { _ = try JSON5.parse([0xFF, 0xFE, 0x00, 0x7B]) }
        // Invalid UTF-8 inside a string is replaced, not fatal.
        let node = try? JSON5.parse([0x22, 0xFF, 0x22])
        #expect(node.map(Self.render) == "\"\u{FFFD}\"")
    }
}
