import Testing
@testable import Metrics

@Suite struct ValidationTests {
    let validator = EventValidator(revenueCurrency: "EUR", exchangeRates: ["USD": ExchangeRate("0.92")!])

    func reason(_ fields: [(String, String)]) -> String? { validator.rejection(of: fields)?.rawValue }

    @Test func contractExamplesAreValid() {
        #expect(reason([("type", "registration"), ("user", "42"), ("source", "ref:alice")]) == nil)
        #expect(reason([("type", "command"), ("user", "42"), ("name", "analyze"), ("latency_ms", "850")]) == nil)
        #expect(reason([("type", "api_call"), ("provider", "openai"), ("cost", "0.0021"), ("latency_ms", "790"), ("user", "42")]) == nil)
        #expect(reason([("type", "conversion"), ("user", "42"), ("plan", "premium"), ("amount", "9.99"), ("currency", "EUR"), ("interval", "month")]) == nil)
        #expect(reason([("type", "error")]) == nil)
        #expect(reason([("type", "cancellation"), ("user", "42"), ("amount", "99"), ("currency", "USD"), ("interval", "year")]) == nil)
        #expect(reason([("type", "command"), ("user", "42"), ("name", "/analyze"), ("extra", "")]) == nil)
    }

    @Test(arguments: [
        ([("user", "42")], "missing_type"),
        ([("type", ""), ("user", "42")], "missing_type"),
        ([("type", "Command"), ("user", "42")], "unknown_type"),
        ([("type", "command "), ("user", "42")], "unknown_type"),
        ([("type", "registration")], "missing_user"),
        ([("type", "registration"), ("user", "")], "missing_user"),
        ([("type", "command"), ("user", "42")], "missing_name"),
        ([("type", "command"), ("name", "x")], "missing_user"),
        ([("type", "conversion"), ("user", "42")], "missing_amount"),
        ([("type", "cancellation"), ("amount", "1")], "missing_user"),
        ([("type", "api_call"), ("cost", "1")], "missing_provider"),
        ([("type", "api_call"), ("provider", "")], "missing_provider"),
        ([("type", "command"), ("user", String(repeating: "u", count: 129)), ("name", "x")], "bad_user"),
        ([("type", "command"), ("user", "a\tb"), ("name", "x")], "bad_user"),
        ([("type", "command"), ("user", "a\u{7F}"), ("name", "x")], "bad_user"),
        ([("type", "command"), ("user", "42"), ("name", "/")], "bad_name"),
        ([("type", "command"), ("user", "42"), ("name", String(repeating: "n", count: 65))], "bad_name"),
        ([("type", "command"), ("user", "42"), ("name", "/" + String(repeating: "n", count: 64))], "bad_name"),
        ([("type", "command"), ("user", "42"), ("name", "a\nb")], "bad_name"),
        ([("type", "command"), ("user", "42"), ("name", "x"), ("latency_ms", "-3")], "bad_latency_ms"),
        ([("type", "command"), ("user", "42"), ("name", "x"), ("latency_ms", "1234567890")], "bad_latency_ms"),
        ([("type", "command"), ("user", "42"), ("name", "x"), ("latency_ms", "")], "bad_latency_ms"),
        ([("type", "registration"), ("user", "42"), ("source", "")], "bad_source"),
        ([("type", "registration"), ("user", "42"), ("source", String(repeating: "s", count: 65))], "bad_source"),
        ([("type", "error"), ("user", "")], "bad_user"),
        ([("type", "error"), ("name", "")], "bad_name"),
        ([("type", "error"), ("kind", "")], "bad_kind"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1e3")], "bad_amount"),
        ([("type", "conversion"), ("user", "42"), ("amount", "-1")], "bad_amount"),
        ([("type", "conversion"), ("user", "42"), ("amount", ".5")], "bad_amount"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1,5")], "bad_amount"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1"), ("plan", "")], "bad_plan"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1"), ("currency", "eur")], "bad_currency"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1"), ("currency", "EURO")], "bad_currency"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1"), ("interval", "week")], "bad_interval"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1"), ("interval", "")], "bad_interval"),
        ([("type", "conversion"), ("user", "42"), ("amount", "1"), ("currency", "GBP")], "unknown_currency"),
        ([("type", "api_call"), ("provider", "a\u{0}")], "bad_provider"),
        ([("type", "api_call"), ("provider", "openai"), ("cost", "0.0000001")], "bad_cost"),
        ([("type", "api_call"), ("provider", "openai"), ("latency_ms", "x")], "bad_latency_ms"),
        ([("type", "api_call"), ("provider", "openai"), ("user", "")], "bad_user"),
        ([("type", "api_call"), ("provider", "openai"), ("model", "")], "bad_model"),
    ] as [([(String, String)], String)])
    func rejectionReasons(_ fields: [(String, String)], _ expected: String) {
        #expect(reason(fields) == expected)
    }

    @Test func firstFailingCheckWins() {
        // Required presence comes before any format check.
        #expect(reason([("type", "conversion"), ("user", "\u{1}"), ("currency", "x")]) == "missing_amount")
        // Then the fields in the order of the type's row.
        #expect(reason([("type", "conversion"), ("user", "\u{1}"), ("amount", "x")]) == "bad_user")
        #expect(reason([("type", "conversion"), ("user", "42"), ("amount", "x"), ("plan", "")]) == "bad_amount")
        #expect(reason([("type", "conversion"), ("user", "42"), ("amount", "1"), ("interval", "x"), ("currency", "x")]) == "bad_currency")
        // unknown_currency comes last.
        #expect(reason([("type", "conversion"), ("user", "42"), ("amount", "1"), ("currency", "GBP"), ("interval", "x")]) == "bad_interval")
        #expect(reason([("type", "api_call"), ("provider", "p"), ("model", ""), ("user", ""), ("cost", "x")]) == "bad_cost")
        #expect(reason([("type", "error"), ("kind", ""), ("name", ""), ("user", "")]) == "bad_user")
    }

    @Test func lastValueOfARepeatedFieldWins() {
        #expect(reason([("type", "command"), ("user", "42"), ("name", "x"), ("type", "bogus")]) == "unknown_type")
        #expect(reason([("type", "bogus"), ("user", "42"), ("name", "x"), ("type", "command")]) == nil)
        #expect(reason([("type", "command"), ("user", "42"), ("name", ""), ("name", "x")]) == nil)
    }

    @Test func lengthLimitsCountBytesAsWritten() {
        let user128 = String(repeating: "é", count: 64)  // 128 bytes
        #expect(reason([("type", "registration"), ("user", user128)]) == nil)
        #expect(reason([("type", "registration"), ("user", user128 + "x")]) == "bad_user")
        #expect(reason([("type", "command"), ("user", "1"), ("name", "/" + String(repeating: "n", count: 63))]) == nil)
        #expect(reason([("type", "command"), ("user", "1"), ("name", "//")]) == nil)  // one slash is stripped, "/" remains
    }

    @Test func invalidUTF8IsMalformed() {
        let bad: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x61, 0x80]]
        for bytes in bad {
            #expect(validator.rejection(of: [(Array("type".utf8), Array("registration".utf8)), (Array("user".utf8), bytes)]) == .badUser)
            #expect(validator.rejection(of: [(Array("type".utf8), Array("api_call".utf8)), (Array("provider".utf8), bytes)]) == .badProvider)
        }
        // plan, kind and model: any non-empty UTF-8, control characters allowed.
        func label(_ type: String, _ field: String, _ bytes: [UInt8]) -> Rejection? {
            var fields: [([UInt8], [UInt8])] = [(Array("type".utf8), Array(type.utf8)), (Array("user".utf8), Array("u".utf8)),
                                                (Array("amount".utf8), Array("1".utf8)), (Array("provider".utf8), Array("p".utf8))]
            fields.append((Array(field.utf8), bytes))
            return validator.rejection(of: fields)
        }
        #expect(label("conversion", "plan", [0xFF]) == .badPlan)
        #expect(label("error", "kind", [0xC0, 0x80]) == .badKind)
        #expect(label("api_call", "model", [0xED, 0xA0, 0x80]) == .badModel)
        #expect(label("conversion", "plan", Array("pro\tplus".utf8)) == nil)
        #expect(label("command", "kind", [0xFF]) == .missingName)  // kind is not a command's field
        // C1 controls and other scripts are text.
        #expect(reason([("type", "registration"), ("user", "用户\u{85}")]) == nil)
    }
}
