// The item page's player: a shared-footage time range jumps the player to where it starts, and
// a link to another copy at a time (/items/ID#t=12.5) opens that copy's player there.
// Loaded from /static (CSP script-src 'self'); no inline script anywhere.
"use strict";

function jump(seconds) {
  const player = document.getElementById("player");
  if (!(player instanceof HTMLMediaElement) || !Number.isFinite(seconds) || seconds < 0) {
    return;
  }
  player.currentTime = seconds;
  player.scrollIntoView({ block: "nearest" });
  player.play().catch(() => {}); // a browser may refuse to autoplay; the jump stands
}

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-seek]") : null;
  if (button) {
    jump(Number.parseFloat(button.getAttribute("data-seek") || ""));
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const found = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  const player = document.getElementById("player");
  if (!found || !(player instanceof HTMLMediaElement)) {
    return;
  }
  const at = Number.parseFloat(found[1]);
  if (player.readyState >= 1) {
    jump(at);
  } else {
    player.addEventListener("loadedmetadata", () => jump(at), { once: true });
  }
});
