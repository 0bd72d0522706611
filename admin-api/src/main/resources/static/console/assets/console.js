// The operator console's one script, served from the jar (decision 070): the drag-and-drop upload with its
// dry run, and live progress of import jobs. Pages work without it except for these two. No inline script
// anywhere: the Content-Security-Policy allows only this file.
"use strict";

(function () {
  const json = { Accept: "application/json" };

  function csrfHeaders() {
    const header = document.querySelector('meta[name="csrf-header"]');
    const token = document.querySelector('meta[name="csrf-token"]');
    return header && token ? { [header.content]: token.content } : {};
  }

  function number(n) {
    return Number(n).toLocaleString("en-US");
  }

  function show(element, visible) {
    if (element) {
      element.hidden = !visible;
    }
  }

  // A job's progress as the server reports it, until the job has ended.
  function poll(url, onUpdate) {
    fetch(url, { headers: json, credentials: "same-origin", cache: "no-store" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((progress) => {
        onUpdate(progress);
        if (!progress.finished) {
          setTimeout(() => poll(url, onUpdate), 400);
        }
      })
      .catch(() => setTimeout(() => poll(url, onUpdate), 2000));
  }

  function describe(progress) {
    return number(progress.rowsDone) + " / " + number(progress.rowsTotal) + " rows (" + progress.percent + " %)";
  }

  // The job page: the bar, the counts and the state follow the job; once it ends, the page shows its results.
  function followJob(section) {
    const bar = section.querySelector("progress");
    const text = section.querySelector(".progress-text");
    const state = document.getElementById("job-state");
    const initial = state ? state.textContent : "";
    poll(section.dataset.progressUrl, (progress) => {
      bar.value = progress.percent;
      text.textContent = describe(progress);
      for (const [outcome, count] of Object.entries(progress.counts)) {
        const cell = document.getElementById("count-" + outcome);
        if (cell) {
          cell.textContent = number(count);
        }
      }
      if (state) {
        state.textContent = progress.state;
        state.className = "badge " + progress.state;
      }
      if (progress.finished && progress.state !== initial) {
        setTimeout(() => window.location.reload(), 600);
      }
    });
  }

  function contentType(file) {
    const name = file.name.toLowerCase();
    if (name.endsWith(".ndjson") || name.endsWith(".jsonl") || file.type === "application/x-ndjson") {
      return "application/x-ndjson";
    }
    return "text/csv";
  }

  // Sends the file as the request body (streamed into the server's spool, never a form held whole).
  function upload(url, file, dryRun, onProgress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url + "?dryRun=" + dryRun);
      request.setRequestHeader("Content-Type", contentType(file));
      request.setRequestHeader("Accept", "application/json");
      for (const [name, value] of Object.entries(csrfHeaders())) {
        request.setRequestHeader(name, value);
      }
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) {
          onProgress(Math.floor((event.loaded * 100) / event.total));
        }
      };
      request.onload = () => {
        let body = {};
        try {
          body = JSON.parse(request.responseText);
        } catch (e) {
          body = { detail: "The server answered " + request.status + "." };
        }
        if (request.status >= 200 && request.status < 300) {
          resolve(body);
        } else {
          const rules = (body.errors || []).map((p) => p.field + " " + p.message).join("; ");
          reject((body.detail || "The upload failed (" + request.status + ").") + (rules ? " " + rules : ""));
        }
      };
      request.onerror = () => reject("The upload did not reach the server.");
      request.send(file);
    });
  }

  // The imports page: choose or drop a file, dry-run it, then import it for real.
  function importer(section) {
    const url = section.dataset.uploadUrl;
    const zone = document.getElementById("dropzone");
    const input = document.getElementById("file");
    const info = document.getElementById("file-info");
    const dryRunButton = document.getElementById("dry-run");
    const importButton = document.getElementById("import-now");
    const afterDryRun = document.getElementById("import-after-dry-run");
    const problem = document.getElementById("upload-problem");
    const status = document.getElementById("upload-status");
    const uploadBar = document.getElementById("upload-progress");
    const result = document.getElementById("dry-run-result");
    let file = null;

    function choose(chosen) {
      file = chosen;
      info.textContent = file ? file.name + " (" + number(file.size) + " bytes)" : "";
      dryRunButton.disabled = !file;
      importButton.disabled = !file;
      show(result, false);
      show(problem, false);
    }

    function send(dryRun) {
      show(problem, false);
      show(status, true);
      dryRunButton.disabled = true;
      importButton.disabled = true;
      afterDryRun.disabled = true;
      return upload(url, file, dryRun, (percent) => { uploadBar.value = percent; })
        .finally(() => {
          show(status, false);
          dryRunButton.disabled = !file;
          importButton.disabled = !file;
        })
        .catch((message) => {
          problem.textContent = message;
          show(problem, true);
          return Promise.reject(message);
        });
    }

    input.addEventListener("change", () => choose(input.files[0] || null));
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      if (event.dataTransfer.files.length > 0) {
        choose(event.dataTransfer.files[0]);
      }
    });
    importButton.addEventListener("click", () => send(false).then((job) => { window.location.href = job.url; }, () => {}));
    afterDryRun.addEventListener("click", () => send(false).then((job) => { window.location.href = job.url; }, () => {}));
    dryRunButton.addEventListener("click", () => send(true).then((job) => {
      show(result, true);
      const bar = result.querySelector("progress");
      const text = result.querySelector(".progress-text");
      const summary = document.getElementById("dry-run-summary");
      document.getElementById("dry-run-link").href = job.url;
      summary.textContent = "";
      poll(job.progressUrl, (progress) => {
        bar.value = progress.percent;
        text.textContent = describe(progress);
        if (progress.finished) {
          const c = progress.counts;
          summary.textContent = "Would create " + number(c.created) + "; already there: " + number(c.existsIdentical)
            + "; conflicts: " + number(c.conflict) + "; invalid: " + number(c.invalid) + ".";
          afterDryRun.disabled = false;
        }
      });
    }, () => {}));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const job = document.querySelector("[data-progress-url]");
    if (job) {
      followJob(job);
    }
    const section = document.getElementById("import-upload");
    if (section) {
      importer(section);
    }
    document.body.dataset.consoleReady = "true";
  });
})();
