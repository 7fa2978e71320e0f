/// The operator login form: an operator token in exchange for a session cookie.
enum LoginPage {
    static func render(loggedInAs: String?, problem: String?, canLogIn: Bool, returnPath: String = "/") -> String {
        var body = "<p><a href=\"/\">← dashboard</a></p>"
        if let loggedInAs { body += "<p class=\"ok\">Logged in as \(HTMLText.escape(loggedInAs)).</p>" }
        if let problem { body += "<p class=\"bad\">\(HTMLText.escape(problem))</p>" }
        if canLogIn {
            body += """
                <form method="post" action="/login"><input type="hidden" name="return" value="\(HTMLText.escape(returnPath))"><label>Operator token <input type="password" name="token" autocomplete="current-password" required></label> \
                <button>Log in</button></form>
                """
        } else {
            body += "<p>No operators are configured: add <code>operators</code> to Watch's configuration (see <code>evenkeel watch hash-token</code>).</p>"
        }
        return PageShell.wrap(title: "Log in · Evenkeel Watch", heading: "Log in", body: body)
    }
}
