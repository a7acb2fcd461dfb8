/// The style sheet and the script inlined into every HTML report: no framework, no web font, nothing fetched.
enum HTMLAssets {
    /// The Content-Security-Policy of the page: nothing may be loaded from anywhere (not even the page's own folder);
    /// only the inline style and script, and `data:` images, are allowed. A hostile string that slipped through
    /// escaping still could not fetch, post or frame anything.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
        + "base-uri 'none'; form-action 'none'"

    /// Light by default; dark on screen when the system asks for it; always light on paper.
    static let css = """
        :root {
          color-scheme: light dark;
          --bg: #f4f5f7; --card: #ffffff; --text: #1b2230; --muted: #5c6678; --faint: #8a93a3;
          --border: #dde1e8; --soft: #eef0f4; --code-bg: #f2f4f7; --code-text: #1f2937; --link: #2456c4;
          --accent: #3b63c4; --ok: #2f8f5b; --ok-soft: #e3f4ea; --running: #c27c0e; --muted-bar: #9aa3b2;
          --critical: #a3122f; --critical-soft: #fbe7ea; --error: #c4321c; --error-soft: #fcebe7;
          --warning: #a86200; --warning-soft: #fdf2dc; --info: #2e62b5; --info-soft: #e6eefb;
          --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
          --sans: system-ui, -apple-system, "Segoe UI", "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
          --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
        }
        @media screen and (prefers-color-scheme: dark) {
          :root {
            --bg: #0e1116; --card: #161b22; --text: #e3e7ee; --muted: #9aa4b4; --faint: #6e7889;
            --border: #2b323d; --soft: #1d232c; --code-bg: #0b0e13; --code-text: #d7dde7; --link: #7ea6f6;
            --accent: #7ea6f6; --ok: #4fbf80; --ok-soft: #15291e; --running: #e9a53a; --muted-bar: #5f6978;
            --critical: #ff6b81; --critical-soft: #3a1720; --error: #ff8a70; --error-soft: #3a1d16;
            --warning: #f2b449; --warning-soft: #33260f; --info: #7eaaf5; --info-soft: #16233a;
            --shadow: none;
          }
        }
        * { box-sizing: border-box; }
        html { background: var(--bg); }
        body { margin: 0; padding: 32px 24px 48px; background: var(--bg); color: var(--text); font: 15px/1.5 var(--sans); }
        main { max-width: 1160px; margin: 0 auto; }
        a { color: var(--link); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre, .mono { font-family: var(--mono); font-size: 0.86em; }
        code { overflow-wrap: anywhere; }
        h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
        h2 { font-size: 1.15rem; margin: 36px 0 12px; }
        h4 { font-size: 0.78rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 20px 0 8px; }
        .muted { color: var(--muted); }
        .dim { color: var(--faint); }

        .masthead { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 8px 24px; align-items: baseline; }
        .brand { font-size: 0.8rem; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
        h1 { font-size: 1.55rem; margin: 4px 0 0; overflow-wrap: anywhere; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 16px 0 0; font-size: 0.9rem; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; overflow-wrap: anywhere; }

        .verdict { margin: 24px 0 0; padding: 18px 22px; border-radius: 10px; border: 1px solid var(--border);
          border-left: 6px solid var(--sev, var(--ok)); background: var(--card); box-shadow: var(--shadow); }
        .verdict-title { font-size: 1.3rem; font-weight: 700; color: var(--sev, var(--ok)); }
        .verdict p { margin: 6px 0 0; }
        .verdict.none { --sev: var(--ok); }
        .verdict.nothing { --sev: var(--warning); }
        .counts { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
        .banner { margin: 16px 0 0; padding: 12px 16px; border-radius: 8px; border: 1px solid var(--error);
          background: var(--error-soft); color: var(--text); font-weight: 600; }
        .note { margin: 12px 0 0; color: var(--muted); font-style: italic; }

        .sev-critical { --sev: var(--critical); --sev-soft: var(--critical-soft); }
        .sev-error { --sev: var(--error); --sev-soft: var(--error-soft); }
        .sev-warning { --sev: var(--warning); --sev-soft: var(--warning-soft); }
        .sev-info { --sev: var(--info); --sev-soft: var(--info-soft); }
        .badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 0.75rem; font-weight: 700;
          letter-spacing: .04em; text-transform: uppercase; color: var(--sev); background: var(--sev-soft);
          border: 1px solid var(--sev); white-space: nowrap; }
        .tag { display: inline-block; padding: 2px 8px; border-radius: 6px; font-size: 0.75rem; font-weight: 600;
          color: var(--muted); background: var(--soft); white-space: nowrap; }

        .causes { list-style: none; margin: 0; padding: 0; }
        .causes li { margin: 6px 0; }
        .causes ul { list-style: none; margin: 4px 0 0 22px; padding: 0; border-left: 2px solid var(--border); }
        .causes ul li { padding-left: 12px; }
        .causes .arrow { color: var(--faint); margin-right: 4px; }

        .finding { position: relative; margin: 16px 0; padding: 20px 24px 18px; background: var(--card); border: 1px solid var(--border);
          border-top: 4px solid var(--sev); border-radius: 10px; box-shadow: var(--shadow); scroll-margin-top: 16px; }
        .finding:target { outline: 2px solid var(--accent); outline-offset: 2px; }
        .finding-head { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
        .finding-number { color: var(--faint); font-weight: 600; }
        .finding h3 { font-size: 1.12rem; margin: 10px 0 6px; overflow-wrap: anywhere; }
        .meta { margin: 0; font-size: 0.85rem; color: var(--muted); }
        .meta code { color: var(--text); }
        .links { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--soft); font-size: 0.9rem; }
        .links p { margin: 2px 0; }
        .explanation { margin: 14px 0 0; }

        table { width: 100%; border-collapse: collapse; font-size: 0.86rem; }
        th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--border); padding: 6px 8px; }
        td { vertical-align: top; border-bottom: 1px solid var(--soft); padding: 7px 8px; }
        tr:last-child td { border-bottom: none; }
        table.evidence { table-layout: fixed; }
        .evidence .col-statement { width: 37%; }
        .evidence .col-path { width: 30%; }
        .evidence .col-field { width: 15%; }
        .evidence .col-line { width: 6%; }
        .evidence .col-time { width: 12%; }
        .evidence td { overflow-wrap: anywhere; }
        .path, .field { font-size: 0.8rem; overflow-wrap: anywhere; }
        /* The long head of a path (gather folder, image digest, nested archive) is shortened on screen only. */
        .path .prefix { display: inline-block; max-width: 24ch; overflow: hidden; text-overflow: ellipsis;
          white-space: nowrap; vertical-align: bottom; color: var(--faint); }
        .nowrap { white-space: nowrap; }
        td time { font-family: var(--mono); font-size: 0.8rem; }

        .steps { margin: 0; padding-left: 1.4em; }
        .steps > li { margin: 0 0 14px; padding-left: 4px; }
        .steps > li::marker { font-weight: 700; color: var(--muted); }
        .step-title { margin: 0 0 6px; font-weight: 600; }
        .on-cluster { font-weight: 400; color: var(--muted); font-size: 0.88rem; }
        .command { position: relative; margin: 0 0 8px; }
        .command pre { margin: 0; padding: 12px 14px; padding-right: 84px; border-radius: 8px; white-space: pre-wrap; overflow-wrap: anywhere;
          background: var(--code-bg); color: var(--code-text); border: 1px solid var(--border); line-height: 1.45; }
        .command.verify pre { border-style: dashed; }
        .verify-label { margin: 6px 0 4px; font-size: 0.8rem; color: var(--muted); }
        .expect { margin: 4px 0 0; font-size: 0.85rem; color: var(--muted); }
        button.copy { position: absolute; top: 8px; right: 8px; font: 600 0.75rem var(--sans); padding: 4px 10px;
          border-radius: 6px; border: 1px solid var(--border); background: var(--card); color: var(--text); cursor: pointer; }
        button.copy:hover { border-color: var(--accent); color: var(--accent); }
        button.copy.done { color: var(--ok); border-color: var(--ok); }
        .references { margin: 12px 0 0; font-size: 0.85rem; color: var(--muted); }
        .references ul { margin: 4px 0 0; padding-left: 1.2em; }
        .finding-id { margin: 14px 0 0; font-size: 0.78rem; color: var(--faint); }

        .panel { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 16px 20px; box-shadow: var(--shadow); }
        .panel + .panel { margin-top: 16px; }
        .timeline h3 { font-size: 1rem; margin: 0 0 2px; overflow-wrap: anywhere; }
        .chart { width: 100%; height: auto; display: block; margin: 10px 0 4px; font-family: var(--sans); }
        .chart text { fill: var(--muted); font-size: 11px; }
        .chart .lane-label { fill: var(--text); font-size: 11.5px; }
        .chart .lane-bg { fill: var(--soft); opacity: .55; }
        .chart .grid { stroke: var(--border); stroke-width: 1; }
        .chart .axis { stroke: var(--muted); stroke-width: 1; }
        .chart .bar-done { fill: var(--ok); }
        .chart .bar-failed { fill: var(--critical); }
        .chart .bar-skipped { fill: var(--muted-bar); }
        .chart .bar-open { fill: var(--running); }
        .chart .bar-label { fill: var(--text); font-size: 10.5px; }
        .chart .mark-neutral { fill: var(--accent); }
        .chart .mark-ok { fill: var(--ok); }
        .chart .mark-warning { fill: var(--warning); }
        .chart .mark-bad { fill: var(--critical); }
        .chart .mark-log { fill: var(--muted); }
        .chart a:hover > * { stroke: var(--text); stroke-width: 1.5; }
        .chart .gather { stroke: var(--critical); stroke-width: 1.5; stroke-dasharray: 4 3; }
        .chart .gather-label { fill: var(--critical); font-weight: 600; }
        .chart .break-band { fill: var(--card); }
        .chart .break-edge { stroke: var(--faint); stroke-width: 1; fill: none; }
        .chart .break-label { fill: var(--faint); font-style: italic; }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.8rem; color: var(--muted); margin: 0 0 8px; }
        .legend span { display: inline-flex; align-items: center; gap: 6px; }
        .swatch { display: inline-block; width: 14px; height: 8px; border-radius: 2px; }
        .swatch.dot { width: 9px; height: 9px; border-radius: 50%; }
        .swatch.line { width: 14px; height: 0; border-top: 2px dashed var(--critical); border-radius: 0; }
        .swatch.done { background: var(--ok); } .swatch.failed { background: var(--critical); }
        .swatch.open { background: var(--running); } .swatch.neutral { background: var(--accent); }
        .swatch.warning { background: var(--warning); } .swatch.log { background: var(--muted); }
        .timeline-table td:first-child { white-space: nowrap; }
        .timeline-table tr:target td { background: var(--info-soft); }
        .kind { font-size: 0.75rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }

        details { margin: 10px 0 0; }
        details > summary { cursor: pointer; color: var(--muted); font-weight: 600; padding: 4px 0; }
        details > summary:hover { color: var(--text); }
        .rules td:first-child { white-space: nowrap; }
        .status { font-weight: 600; }
        .status-findings { color: var(--error); } .status-passed { color: var(--ok); } .status-skipped { color: var(--muted); }
        .issue-damaged td { background: var(--error-soft); }
        footer.page { margin: 40px 0 0; font-size: 0.8rem; color: var(--faint); text-align: center; }

        @media (max-width: 720px) {
          body { padding: 16px 10px; }
          .finding { padding: 16px 14px; }
        }
        @media print {
          @page { margin: 14mm 12mm; }
          body { padding: 0; font-size: 10.5pt; background: #fff; }
          html { background: #fff; }
          main { max-width: none; }
          .finding, .panel, .verdict { box-shadow: none; }
          .finding { border-top-width: 3px; }
          .steps > li, tr, .command, .verdict, .chart, .legend { break-inside: avoid; }
          h2, h3, h4 { break-after: avoid; }
          button.copy { display: none !important; }
          .command pre { padding-right: 14px; }
          a { color: inherit; }
          .finding:target { outline: none; }
        }
        """

    /// Copy buttons (shown only when the script runs: without it they could not work), and opening a folded
    /// section when a link points into it.
    static let javascript = """
        (function () {
          'use strict';
          function fallbackCopy(text) {
            var area = document.createElement('textarea');
            area.value = text;
            area.setAttribute('readonly', '');
            area.style.position = 'fixed';
            area.style.top = '-1000px';
            area.style.opacity = '0';
            document.body.appendChild(area);
            area.select();
            var copied = false;
            try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
            document.body.removeChild(area);
            return copied;
          }
          function copy(text) {
            if (navigator.clipboard && navigator.clipboard.writeText) {
              return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
            }
            return Promise.resolve(fallbackCopy(text));
          }
          function flash(button, label, done) {
            button.textContent = label;
            button.classList.toggle('done', done);
            clearTimeout(button.resetTimer);
            button.resetTimer = setTimeout(function () {
              button.textContent = 'Copy';
              button.classList.remove('done');
            }, 1600);
          }
          var buttons = document.querySelectorAll('button.copy');
          for (var i = 0; i < buttons.length; i++) {
            (function (button) {
              button.hidden = false;
              button.addEventListener('click', function () {
                var pre = button.parentNode.querySelector('pre');
                copy(pre.textContent).then(function (copied) {
                  if (copied) { flash(button, 'Copied', true); return; }
                  var range = document.createRange();
                  range.selectNodeContents(pre);
                  var selection = window.getSelection();
                  selection.removeAllRanges();
                  selection.addRange(range);
                  flash(button, 'Press Ctrl+C', false);
                });
              });
            })(buttons[i]);
          }
          function reveal() {
            var id = decodeURIComponent(location.hash.slice(1));
            var target = id && document.getElementById(id);
            if (!target) { return; }
            for (var node = target.parentNode; node; node = node.parentNode) {
              if (node.tagName === 'DETAILS') { node.open = true; }
            }
            target.scrollIntoView({ block: 'center' });
          }
          window.addEventListener('hashchange', reveal);
          reveal();
          // A printed report (a PDF for the ticket) shows the folded evidence too.
          window.addEventListener('beforeprint', function () {
            var folded = document.querySelectorAll('details.more-evidence');
            for (var k = 0; k < folded.length; k++) { folded[k].open = true; }
          });
          document.documentElement.setAttribute('data-script', 'ran');
        })();
        """
}
