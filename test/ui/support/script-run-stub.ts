// A stand-in for Apps Script's client API in the dialog's page: `google.script.run` is a Proxy
// that records every server call (name and JSON-copied arguments) and answers from a table the
// test controls, asynchronously like the real one, through the chained withSuccessHandler /
// withFailureHandler; `google.script.host.close` is recorded too. Injected as the first script
// of the page, so it exists before the dialog's own script runs, and removes its own element so
// the answers it holds (which may hold a webhook URL) are not part of the page's content.

/** One server answer: a value for the success handler, an error for the failure handler, or none. */
export type StubAnswer = { value: unknown } | { error: string } | { hold: true };

export interface StubCall {
  name: string;
  args: unknown[];
}

/** What the page exposes as `window.__stub`. */
export interface StubState {
  calls: StubCall[];
  answers: Record<string, StubAnswer>;
  closed: number;
}

const STUB_SOURCE = `
(function () {
  var state = { calls: [], answers: {}, closed: 0 };
  window.__stub = state;
  function copy(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }
  function runner(onSuccess, onFailure) {
    return new Proxy({}, {
      get: function (_target, name) {
        if (name === 'withSuccessHandler') return function (f) { return runner(f, onFailure); };
        if (name === 'withFailureHandler') return function (f) { return runner(onSuccess, f); };
        if (name === 'withUserObject') return function () { return runner(onSuccess, onFailure); };
        return function () {
          var args = Array.prototype.slice.call(arguments);
          state.calls.push({ name: String(name), args: copy(args) });
          var answer = state.answers[name];
          setTimeout(function () {
            if (!answer) { if (onFailure) onFailure(new Error('ScriptError: no server function ' + String(name))); }
            else if ('error' in answer) { if (onFailure) onFailure(new Error(answer.error)); }
            else if ('value' in answer) { if (onSuccess) onSuccess(copy(answer.value)); }
          }, 5);
        };
      },
    });
  }
  window.google = { script: { run: runner(null, null), host: { close: function () { state.closed++; } } } };
})();
`;

/** The dialog's HTML with the stub as the first script of <head>. */
export function withStub(html: string, answers: Record<string, StubAnswer>): string {
  const setup = `<script>${STUB_SOURCE}\nwindow.__stub.answers = ${JSON.stringify(answers).replace(/</g, '\\u003c')};
document.currentScript.remove();</script>`;
  if (!html.includes('<head>')) throw new Error('the dialog has no <head>');
  return html.replace('<head>', `<head>${setup}`);
}
