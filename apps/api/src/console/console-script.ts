/**
 * The console's script, served from the app itself (the CSP allows only 'self' scripts, no inline code). It only
 * enhances: a chosen CSV file is read into the form's text field with a progress bar, and progress pages poll their
 * JSON status instead of reloading (without JavaScript they reload by themselves).
 */
export const CONSOLE_SCRIPT = `(function () {
  'use strict';
  document.querySelectorAll('input[type=file][data-fill]').forEach(function (input) {
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var target = document.getElementById(input.getAttribute('data-fill'));
      var bar = document.getElementById(input.getAttribute('data-progress'));
      var status = document.getElementById(input.getAttribute('data-status'));
      var reader = new FileReader();
      if (bar) { bar.hidden = false; bar.value = 0; }
      reader.onprogress = function (e) { if (bar && e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
      reader.onload = function () {
        target.value = reader.result;
        if (bar) bar.value = bar.max;
        if (status) status.textContent = file.name + ' is ready to upload (' + file.size + ' bytes).';
      };
      reader.onerror = function () { if (status) status.textContent = 'The file could not be read.'; };
      reader.readAsText(file);
    });
  });
  document.querySelectorAll('form[data-busy]').forEach(function (form) {
    form.addEventListener('submit', function () {
      var bar = document.getElementById(form.getAttribute('data-busy'));
      if (bar) { bar.hidden = false; bar.removeAttribute('value'); }
    });
  });
  var poll = document.querySelector('[data-poll]');
  if (poll) {
    var url = poll.getAttribute('data-poll');
    var bar = poll.querySelector('progress');
    var label = poll.querySelector('[data-status]');
    var tick = function () {
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) {
          // A session that ended meanwhile answers with the sign-in page: show it.
          if (r.redirected) { window.location.reload(); return null; }
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then(function (s) {
          if (!s) return;
          if (bar) bar.value = s.progress;
          if (label) label.textContent = s.label;
          if (s.done) window.location.reload(); else setTimeout(tick, 400);
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    setTimeout(tick, 400);
  }
})();
`;
