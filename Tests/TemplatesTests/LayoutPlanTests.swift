import Foundation
import Mustache
import Testing
@testable import Templates

/// Pages laid out from a plan are byte for byte swift-mustache's own.
@Suite struct LayoutPlanTests {
    static let pragma = "{{% CONTENT_TYPE: SENTINEL_HTML}}"

    init() { _ = HTMLEscaping.registered }

    /// Hostile payloads of the shared corpus, plus text that looks like the
    /// plans' markers and their escaped forms.
    static let texts: [String] = {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../system-tests/corpus/hostile-names.txt").standardizedFileURL
        let lines = ((try? String(contentsOf: corpus, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        let payloads = lines.filter { !$0.hasPrefix("#|") && !$0.isEmpty }
        return payloads + ["plain", "", "'", "&#39;", "\u{2}xX0'\u{3}", "\u{2}xX1&#39;yY~~\u{3}", "\u{2}", "\u{3}", "a\u{2}b\u{3}c",
                           "'\u{301}", "é", "e\u{301}", "{{title}}", "<b>&amp;</b>"]
    }()

    /// Contexts of every shape the reports use, with the texts spread over them.
    static func contexts() -> [[String: Any]] {
        var contexts: [[String: Any]] = []
        for (index, text) in texts.enumerated() {
            let other = texts[(index * 7 + 3) % texts.count]
            var context: [String: Any] = ["title": text, "site_title": "Sentinel", "description": other, "root": "../../",
                                          "content": "<h1>\(text)</h1>\n", "markdown": "\(index).md", "in_progress": index % 3 == 0]
            if index % 2 == 0 { context["previous"] = ["href": "\(other).html", "label": other] }
            if index % 5 != 0 { context["next"] = ["href": "\(text).html", "label": text] }
            if index % 4 == 1 { context["parent"] = ["href": "../weekly/\(text).html", "label": "Week \(text)"] }
            if index % 6 == 2 { context["og_url"] = "https://example.com/\(text)" }
            contexts.append(context)
        }
        return contexts
    }

    static func expectSameAsMustache(_ layout: String, planned: Bool? = nil) throws {
        let template = try MustacheTemplate(string: layout)
        let plans = LayoutPlans(template: template, source: layout)
        // Twice: the first page of a shape makes its plan, later ones use it.
        for _ in 0..<2 {
            for context in contexts() {
                #expect(plans.render(context).utf8.elementsEqual(template.render(context).utf8), "\(context["title"]!)")
            }
        }
        if let planned { #expect((plans.plannedShapes > 0) == planned) }
    }

    @Test func theSiteLayoutIsPlannedAndIdentical() throws {
        let layout = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../site-template/layout.mustache").standardizedFileURL, encoding: .utf8)
        try Self.expectSameAsMustache(layout, planned: true)
    }

    @Test func sectionsAndNestedLookups() throws {
        try Self.expectSameAsMustache(Self.pragma + """
            <title>{{title}}</title>{{{title}}}{{&description}}
            {{#previous}}<a href="{{href}}">{{label}} {{title}}</a>{{/previous}}{{^previous}}first{{/previous}}
            {{#next}}{{#parent}}{{label}}{{/parent}}{{/next}}{{#in_progress}}busy{{/in_progress}}{{^in_progress}}done{{/in_progress}}
            {{#title}}[{{.}}]{{/title}}{{#og_url}}{{og_url}}{{/og_url}}{{{content}}}
            """, planned: true)
    }

    @Test func transformsAreNeverPlannedWrong() throws {
        for body in ["{{uppercased(title)}}", "{{lowercased(description)}}", "{{capitalized(title)}}", "{{reversed(title)}}",
                     "{{count(title)}}", "{{first(title)}}", "{{last(description)}}", "{{#empty(description)}}E{{/empty(description)}}",
                     "{{^empty(title)}}F{{/empty(title)}}", "{{#previous}}{{uppercased(label)}}{{/previous}}", "{{count(previous)}}"] {
            try Self.expectSameAsMustache(Self.pragma + "<p>{{title}}</p>" + body + "{{{content}}}")
        }
    }

    @Test func otherContentTypesAreNotPlanned() throws {
        try Self.expectSameAsMustache("<p>{{title}}</p>{{{content}}}", planned: false)
        try Self.expectSameAsMustache("{{% CONTENT_TYPE: TEXT}}<p>{{title}}</p>{{{content}}}", planned: false)
        try Self.expectSameAsMustache(Self.pragma + "<p>{{title}}</p>{{% CONTENT_TYPE: TEXT}}{{description}}", planned: false)
    }

    /// A quote followed by a combining mark is one Character, which
    /// swift-mustache's own HTML escaping leaves as it is; the templates'
    /// escaping works on bytes, so the quote cannot end an attribute.
    @Test func quotesWithCombiningMarksAreEscaped() throws {
        #expect(HTMLEscaping().escapeText("x\"\u{301} onmouseover=alert(1) '\u{301}<\u{338}&\u{301}")
                    == "x&quot;\u{301} onmouseover=alert(1) &#39;\u{301}&lt;\u{338}&amp;\u{301}")
        let layout = Self.pragma + #"<meta content="{{title}}">"#
        let template = try MustacheTemplate(string: layout)
        let plans = LayoutPlans(template: template, source: layout)
        for _ in 0..<2 {
            #expect(plans.render(["title": "a\"\u{301} b"]) == "<meta content=\"a&quot;\u{301} b\">")
        }
    }

    @Test func contextsWithOtherValuesRenderNormally() throws {
        let layout = Self.pragma + "{{#items}}<li>{{.}}</li>{{/items}}{{title}}{{count}}"
        let template = try MustacheTemplate(string: layout)
        let plans = LayoutPlans(template: template, source: layout)
        for context: [String: Any] in [["items": ["a", "<b>"], "title": "x"], ["count": 3, "title": "y"]] {
            #expect(plans.render(context).utf8.elementsEqual(template.render(context).utf8))
        }
        #expect(plans.plannedShapes == 0)
    }

    /// Texts ending in a newline, empty links and dotted keys, whose pages
    /// would differ from a plan made on another page of the same shape.
    @Test func shapesThatLookAlikeAreApart() throws {
        let layout = Self.pragma + "{{#previous}}<a>{{label}}</a>{{/previous}}{{^previous}}none{{/previous}}|{{a.b}}|{{title}}\n{{{content}}}"
        let template = try MustacheTemplate(string: layout)
        let plans = LayoutPlans(template: template, source: layout)
        let contexts: [[String: Any]] = [
            ["title": "t", "content": "c"], ["title": "t", "content": "c", "previous": [String: String]()],
            ["title": "t", "content": "c", "previous": ["label": "x"]], ["title": "t", "content": "c", "a.b": "dotted"],
            ["title": "t", "content": "c", "a": ["b": "nested"]], ["title": "t;", "content": "c\n"], ["title": "t", "content": "c", "1:t": "s"],
        ]
        for _ in 0..<2 {
            for context in contexts { #expect(plans.render(context).utf8.elementsEqual(template.render(context).utf8)) }
        }
    }

    /// Blocks and partials indent what follows a newline: not planned.
    @Test func blocksAndPartialsAreNotPlanned() throws {
        for layout in [Self.pragma + "<main>\n  {{$main}}\n  {{{content}}}\n  {{/main}}\n</main>",
                       Self.pragma + "<main>\n  {{> header}}\n{{{content}}}</main>", Self.pragma + "{{=<% %>=}}<%title%>"] {
            let template = try MustacheTemplate(string: layout)
            let plans = LayoutPlans(template: template, source: layout)
            for content in ["one line", "two\nlines\n", "three\n"] {
                let context: [String: Any] = ["title": "t", "content": content]
                #expect(plans.render(context).utf8.elementsEqual(template.render(context).utf8))
            }
            #expect(plans.plannedShapes == 0)
        }
    }
}
