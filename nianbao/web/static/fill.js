// 在线填报: checks the typed tables as they are typed by asking the server (the rules stay
// in the library). Without this script the form still works: 保存并校验 posts it.
(function () {
  "use strict";
  var form = document.getElementById("fill-form");
  if (!form || !window.fetch) { return; }
  var live = document.getElementById("live");
  var others = document.getElementById("live-others");
  var timer = null;
  var serial = 0;

  function clear(td) {
    td.classList.remove("bad-error", "bad-warning");
    var msgs = td.querySelector(".msgs");
    if (msgs) { msgs.textContent = ""; }
    var flag = td.querySelector(".flag");
    if (flag) { flag.remove(); }
    var input = td.querySelector("input");
    if (input) { input.removeAttribute("aria-invalid"); }
  }

  function mark(td, marks) {
    var worst = marks.some(function (m) { return m.severity === "error"; }) ? "error" : "warning";
    td.classList.add("bad-" + worst);
    var flag = document.createElement("span");
    flag.className = "flag";
    flag.setAttribute("aria-hidden", "true");
    flag.textContent = worst === "error" ? "✗" : "!";
    var msgs = td.querySelector(".msgs");
    td.insertBefore(flag, msgs);
    marks.forEach(function (m) {
      var s = document.createElement("span");
      s.className = "msg " + m.severity;
      var b = document.createElement("b");
      b.textContent = m.word;
      s.appendChild(b);
      s.appendChild(document.createTextNode(" " + m.rule + "：" + m.message));
      msgs.appendChild(s);
    });
    var input = td.querySelector("input");
    if (input) { input.setAttribute("aria-invalid", "true"); }
  }

  function show(data, mine) {
    if (mine !== serial) { return; }
    live.hidden = false;
    live.textContent = data.error ? data.error :
      "校验结果：" + data.status + "（错误 " + data.errors + " 个，警告 " + data.warnings + " 个）";
    if (data.error) { return; }
    form.querySelectorAll("td[data-pointer]").forEach(function (td) {
      clear(td);
      var p = td.getAttribute("data-pointer");
      if (data.cells[p]) { mark(td, data.cells[p]); }
      if (td.classList.contains("computed") && p in data.computed) {
        var v = td.querySelector(".v");
        if (v) { v.textContent = data.computed[p]; }
      }
    });
    others.textContent = "";
    others.hidden = !data.others.length;
    data.others.forEach(function (f) {
      var li = document.createElement("li");
      li.className = f.severity;
      li.textContent = f.word + " " + f.message;
      others.appendChild(li);
    });
  }

  function check() {
    serial += 1;
    var mine = serial;
    fetch(form.getAttribute("data-check"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) { return r.json(); }).then(function (d) { show(d, mine); })
      .catch(function () { /* the server's answer on 保存并校验 still counts */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  check();
}());
