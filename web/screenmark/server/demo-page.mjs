// The served demo page's only script besides the painter: the button the
// click-through test presses.
let count = 0;
document.getElementById('ack').addEventListener('click', () => {
  document.getElementById('ack-count').textContent = String(++count);
});
