// The payment page: Stripe.js (or localstripe's stand-in, locally) takes the card and
// gives a payment method id, which the form posts; the card number never reaches us.
// After a 3-D Secure request, Stripe.js runs the bank's check and we return to the server.
(function () {
  "use strict";
  const form = document.getElementById("payment-form");
  if (!form) return;
  const errors = document.getElementById("card-errors");
  const button = document.getElementById("pay-button");
  if (typeof Stripe === "undefined") {
    errors.textContent = "The card form could not load. Please reload the page to try again.";
    button.disabled = true;
    return;
  }
  const stripe = Stripe(form.dataset.publishableKey);
  const secret = form.dataset.clientSecret;
  if (secret) {
    button.disabled = true;
    stripe.confirmCardPayment(secret).then(function () {
      window.location.assign(form.dataset.returnUrl);
    });
    return;
  }
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  // localstripe's fields live in this page (Stripe's own, in its frame, are labelled).
  const names = {
    number: "Card number",
    exp_month: "Expiry month (MM)",
    exp_year: "Expiry year (YY)",
    cvc: "Security code (CVC)",
    postal_code: "Postal code",
  };
  document.querySelectorAll("#card-element input").forEach(function (input) {
    const name = names[input.getAttribute("placeholder")];
    if (name) input.setAttribute("aria-label", name);
  });

  async function paymentMethodId() {
    const made = await stripe.createPaymentMethod({ type: "card", card: card });
    if (made && made.paymentMethod) return { id: made.paymentMethod.id };
    if (made && made.error) return { error: made.error };
    // localstripe's stand-in makes no PaymentMethod: a token's card is one to Stripe's API.
    const tokened = await stripe.createToken(card);
    if (tokened && tokened.token) return { id: tokened.token.card.id };
    return { error: (tokened && tokened.error) || {} };
  }

  form.addEventListener("submit", async function (event) {
    if (form.elements.payment_method.value) return;
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    let result;
    try {
      result = await paymentMethodId();
    } catch (error) {
      result = { error: {} };
    }
    if (!result.id) {
      const message = result.error && result.error.message;
      errors.textContent =
        message && message !== "Bad request"
          ? message
          : "Please check the card number, expiry date and security code.";
      button.disabled = false;
      return;
    }
    form.elements.payment_method.value = result.id;
    form.submit();
  });
})();
