// Loaded by the page that scripts/lottie-fidelity.sh builds: plays DATA with lottie-web's SVG renderer, stops at
// each of FRAMES (relative to ip, like Kiln's frame numbers), draws the SVG over white on a canvas of W x H and
// writes the PNGs as data URLs into <pre id="out">, which Chromium's --dump-dom prints.
(function () {
  var box = document.getElementById('anim');
  box.style.width = W + 'px';
  box.style.height = H + 'px';
  var anim = lottie.loadAnimation({
    container: box, renderer: 'svg', loop: false, autoplay: false, animationData: DATA,
    rendererSettings: { preserveAspectRatio: 'xMidYMid meet' }
  });
  function snap() {
    var canvas = document.createElement('canvas');
    canvas.width = W; canvas.height = H;
    var ctx = canvas.getContext('2d');
    var out = [];
    var i = 0;
    function next() {
      if (i >= FRAMES.length) {
        document.getElementById('out').textContent = 'BEGIN\n' + out.join('\n') + '\nEND';
        return;
      }
      var f = FRAMES[i++];
      anim.goToAndStop(f, true);
      var svg = box.querySelector('svg').cloneNode(true);
      svg.setAttribute('width', W); svg.setAttribute('height', H);
      svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      var text = new XMLSerializer().serializeToString(svg);
      var img = new Image();
      img.onload = function () {
        ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, W, H);
        ctx.drawImage(img, 0, 0, W, H);
        out.push(f + ' ' + canvas.toDataURL('image/png'));
        next();
      };
      img.onerror = function () { out.push(f + ' ERROR'); next(); };
      img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(text)));
    }
    next();
  }
  if (anim.isLoaded) { snap(); } else { anim.addEventListener('DOMLoaded', snap); }
})();
