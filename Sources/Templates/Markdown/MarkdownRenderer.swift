import CCmarkGFM
import CSupport
import Glibc
import Synchronization

/// Markdown to HTML through cmark-gfm with the table, strikethrough and
/// autolink extensions: the only place the C library is used.
///
/// cmark-gfm's safe mode is kept, so raw HTML in the text never passes (it
/// becomes a comment) and `javascript:` links are dropped. The output is
/// byte for byte that of `cmark-gfm -e table -e strikethrough -e autolink`.
public struct MarkdownRenderer: Sendable {
    /// Why rendering failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public let description: String
    }

    /// The GFM extensions every document is parsed with.
    public static let extensions = ["table", "strikethrough", "autolink"]

    /// The linked cmark-gfm's version (`0.29.0.gfm.6`).
    public static var version: String { String(cString: cmark_version_string()) }

    /// Registers the extensions once per process. cmark-gfm's own "ensure"
    /// is not thread-safe: two threads registering at once give the table
    /// extension new node type numbers and break every table rendered after.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// cmark-gfm's inline parsing (in `cmark_parser_finish`) switches the
    /// extensions' special characters on and off in global tables, so a
    /// parse finishing on one thread can hide `~` or `www.` from a parse on
    /// another: finishing is done one at a time. Rendering is not affected.
    private static let finishing = Mutex(())

    /// A renderer (safe to create and use from any thread).
    public init() {
        precondition(MarkdownRenderer.registered)
    }

    /// The per-thread arena of CSupport as cmark-gfm's allocator, at a
    /// fixed address for the parser and the renderer.
    nonisolated(unsafe) private static let arena: UnsafeMutablePointer<cmark_mem> = {
        let pointer = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        pointer.initialize(to: cmark_mem(calloc: sentinel_cmark_arena_calloc, realloc: sentinel_cmark_arena_realloc,
                                         free: sentinel_cmark_arena_free))
        return pointer
    }()

    /// Renders a Markdown document to an HTML fragment.
    public func html(from markdown: String) throws(Failure) -> String {
        var text = markdown
        return try text.withUTF8 { bytes in Result { () throws(Failure) in try html(bytes) } }.get()
    }

    /// Renders a Markdown document's UTF-8 bytes to an HTML fragment.
    public func html(from markdown: [UInt8]) throws(Failure) -> String {
        try markdown.withUnsafeBufferPointer { bytes in Result { () throws(Failure) in try html(bytes) } }.get()
    }

    private func html(_ markdown: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        // Everything cmark-gfm allocates for the document comes from this
        // thread's arena and is given back at once at the end, instead of
        // node by node: the parser, the tree and the HTML are not freed
        // one by one.
        defer { sentinel_cmark_arena_reset() }
        let options = CMARK_OPT_DEFAULT
        guard let parser = cmark_parser_new_with_mem(options, MarkdownRenderer.arena) else { throw Failure(description: "cmark-gfm: no parser") }
        for name in MarkdownRenderer.extensions {
            guard let extensionPointer = cmark_find_syntax_extension(name) else {
                throw Failure(description: "cmark-gfm: the \(name) extension is missing (install libcmark-gfm-extensions-dev)")
            }
            cmark_parser_attach_syntax_extension(parser, extensionPointer)
        }
        markdown.withMemoryRebound(to: CChar.self) { chars in
            cmark_parser_feed(parser, chars.baseAddress, chars.count)
        }
        var finished: OpaquePointer?
        MarkdownRenderer.finishing.withLock { _ in finished = cmark_parser_finish(parser) }
        guard let document = finished else {
            throw Failure(description: "cmark-gfm: parsing failed")
        }
        guard let rendered = cmark_render_html_with_mem(document, options, cmark_parser_get_syntax_extensions(parser), MarkdownRenderer.arena) else {
            throw Failure(description: "cmark-gfm: rendering failed")
        }
        return String(cString: rendered)
    }
}
