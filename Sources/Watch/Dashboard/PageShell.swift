/// The frame every Watch page shares: head, style, heading, and an optional script that only enhances.
enum PageShell {
    static func wrap(title: String, heading: String, body: String, main: Bool = false, script: String? = nil) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
        h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.4em}
        table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}
        td:first-child,th:first-child{text-align:left}
        .ok{color:#2a7a2a}.bad{color:#b00020}.meta{color:#666}
        .incident{border-left:4px solid #b00020;padding:.3em .8em;margin:.6em 0;background:#fff6f6}
        .incident.acknowledged{border-color:#c77700;background:#fffaf0}
        .incident.resolved{border-color:#999;background:#f6f6f6}
        .chart{margin:4px 8px 4px 0;background:#fafafa;border:1px solid #eee}.chart .t{font-size:11px;fill:#444}.chart .l{font-size:10px}
        form.action{display:inline-block;margin:.3em 1em .3em 0;vertical-align:top}
        form.action input[type=text]{width:22em}
        </style></head>
        <body><h1>\(HTMLText.escape(heading))</h1>\(main ? "<main id=\"main\">\(body)</main>" : body)
        \(script.map { "<script>\n\($0)\n</script>" } ?? "")</body></html>
        """
    }
}
